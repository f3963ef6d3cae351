package dev.weir.coordinator.remote;

import java.net.URI;
import java.time.Duration;

import dev.weir.coordinator.WorkerGateway;
import dev.weir.runtime.worker.WorkerControlServer;
import dev.weir.runtime.worker.protocol.CheckpointNotification;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.worker.transport.BearerToken;
import dev.weir.runtime.worker.transport.ControlPlaneException;
import dev.weir.runtime.worker.transport.JsonHttpClient;

/**
 * The coordinator's line to one worker's control endpoint. Calls fail fast with a
 * {@link ControlPlaneException}; whether that aborts a checkpoint or fails the attempt over is the
 * caller's decision, so nothing here retries for long.
 */
public final class WorkerClient implements WorkerGateway {

    /**
     * One try for the other messages: completion and abort notifications are best effort, and the
     * coordinator decides what a failed finish or cancel means.
     */
    public static final JsonHttpClient.Settings DEFAULT_SETTINGS =
            new JsonHttpClient.Settings(Duration.ofSeconds(1), Duration.ofSeconds(3), 1, Duration.ofMillis(50));

    /**
     * Triggers get three tries: a worker starved of CPU or in a long collection answers late, and a
     * checkpoint whose trigger failed once would otherwise be aborted for it. A timed-out trigger may
     * have arrived all the same; a source task injects each checkpoint's barrier once, however often
     * it is triggered, so repeating it is harmless. The coordinator does not wait for the answer.
     */
    static final int TRIGGER_ATTEMPTS = 3;

    private final URI control;
    private final JsonHttpClient http;
    private final JsonHttpClient.Settings triggerSettings;

    /** @param tls mutual TLS for an {@code https://} control URI; null for plain HTTP */
    public WorkerClient(URI control, String jobToken, JsonHttpClient.Settings settings, TransportTls tls) {
        this.control = control;
        this.http = new JsonHttpClient(BearerToken.of(jobToken), settings, tls);
        this.triggerSettings = settings.withAttempts(Math.max(settings.maxAttempts(), TRIGGER_ATTEMPTS));
    }

    public WorkerClient(URI control, String jobToken) {
        this(control, jobToken, DEFAULT_SETTINGS, null);
    }

    /** The control endpoint a worker registered, over plain HTTP. */
    public static WorkerClient forWorker(WorkerRegistration worker, String jobToken) {
        return forWorker(worker, jobToken, null);
    }

    /** The control endpoint a worker registered: {@code https} when the job's planes use TLS ({@code tls} not null). */
    public static WorkerClient forWorker(WorkerRegistration worker, String jobToken, TransportTls tls) {
        String host = worker.host().contains(":") ? "[" + worker.host() + "]" : worker.host();
        WorkerClient client = new WorkerClient(URI.create((tls == null ? "http://" : "https://") + host + ":"
                + worker.controlPort()), jobToken, DEFAULT_SETTINGS, tls);
        if (tls != null) {
            // The first checkpoint's trigger should not pay for the TLS handshake.
            client.http.connectInBackground(client.control.resolve(WorkerControlServer.HEALTH));
        }
        return client;
    }

    public URI control() {
        return control;
    }

    @Override
    public void triggerCheckpoint(TriggerCheckpoint trigger) throws ControlPlaneException {
        http.post(control.resolve(WorkerControlServer.TRIGGER), trigger, Void.class, triggerSettings);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws ControlPlaneException {
        post(WorkerControlServer.COMPLETE, new CheckpointNotification(checkpointId));
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws ControlPlaneException {
        post(WorkerControlServer.ABORT, new CheckpointNotification(checkpointId));
    }

    @Override
    public void finish() throws ControlPlaneException {
        post(WorkerControlServer.FINISH, null);
    }

    @Override
    public void cancel() throws ControlPlaneException {
        post(WorkerControlServer.CANCEL, null);
    }

    @Override
    public String describe() {
        return "worker at " + control;
    }

    private void post(String path, Object body) throws ControlPlaneException {
        http.post(control.resolve(path), body, Void.class);
    }
}
