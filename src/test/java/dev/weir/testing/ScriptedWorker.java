package dev.weir.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.worker.CoordinatorClient;
import dev.weir.runtime.worker.WorkerControlHandler;
import dev.weir.runtime.worker.WorkerControlServer;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.ControlPlaneException;
import dev.weir.runtime.worker.transport.JsonHttpClient;

/**
 * A worker without tasks that speaks the real control plane (its own control endpoint, the
 * coordinator client): it records what its coordinator tells it, and a test scripts what it says
 * back (acknowledgements, end of data, heartbeats that stop), to drive a coordinator through
 * scenarios real workers produce only by chance.
 */
public final class ScriptedWorker implements WorkerControlHandler, AutoCloseable {

    private final int worker;
    private final JobTopology topology;
    private final WorkerRegistration registration;
    private final CoordinatorClient client;
    private final WorkerControlServer control;
    private final ControlMessages messages = new ControlMessages();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scripted-worker-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile long highestTriggered;
    private volatile boolean autoAcknowledge;
    private volatile List<ExecutionVertexId> running = List.of();
    private volatile List<ExecutionVertexId> ended = List.of();
    private ScheduledFuture<?> beating;

    /** Starts the control endpoint; {@link #register()} announces the worker. */
    public ScriptedWorker(URI coordinator, String token, String job, long attempt, int worker, JobTopology topology)
            throws java.io.IOException {
        this.worker = worker;
        this.topology = topology;
        this.control = WorkerControlServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, this);
        this.client = new CoordinatorClient(coordinator, token, topology.parallelism(),
                JsonHttpClient.Settings.defaults(), e -> messages.note("lost event: " + e.getMessage()));
        this.registration = WorkerRegistration.of(job, attempt, worker, "127.0.0.1", control.address().getPort(), 1,
                topology);
    }

    public ScriptedWorker register() throws ControlPlaneException {
        client.register(registration);
        return this;
    }

    /** Heartbeats every {@code intervalMs} until {@link #stopHeartbeats()}, as a live worker sends them. */
    public ScriptedWorker heartbeatEvery(long intervalMs) {
        beating = heartbeats.scheduleAtFixedRate(() -> heartbeat(), 0, intervalMs, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The worker goes silent (frozen, cut off) while its process lives on. */
    public void stopHeartbeats() {
        beating.cancel(false);
    }

    /**
     * Sends one heartbeat, reporting the highest checkpoint id this worker was triggered with; a
     * coordinator that does not know the worker makes it register again, as a real worker does.
     */
    public ScriptedWorker heartbeat() {
        try {
            client.heartbeat(new Heartbeat(registration.attempt(), worker, System.currentTimeMillis(), 0, 0,
                    highestTriggered, running, ended));
        } catch (ControlPlaneException e) {
            messages.note("heartbeat failed: " + e.status());
        }
        return this;
    }

    /** As if an earlier coordinator had triggered this worker with checkpoint {@code checkpointId}. */
    public ScriptedWorker triggeredBefore(long checkpointId) {
        highestTriggered = Math.max(highestTriggered, checkpointId);
        return this;
    }

    /** From now on every trigger is acknowledged right away by all subtasks of this worker, as healthy tasks do. */
    public ScriptedWorker autoAcknowledge(boolean on) {
        autoAcknowledge = on;
        return this;
    }

    /** The subtasks of this worker acknowledge checkpoint {@code checkpointId}. */
    public void acknowledge(long checkpointId) {
        for (ExecutionVertexId subtask : subtasks()) {
            client.acknowledgeCheckpoint(new TaskAcknowledgement(checkpointId, subtask, Map.of()));
        }
    }

    /**
     * Every task of this worker restored its state and runs (periodic checkpoints start once all
     * tasks of all workers do); {@code report}: also as events (else heartbeats only).
     */
    public ScriptedWorker tasksRunning(boolean report) {
        running = subtasks();
        if (report) {
            subtasks().forEach(client::running);
        }
        return this;
    }

    /** Every task of this worker reached the end of its data; {@code report}: also as events (else heartbeats only). */
    public void endOfData(boolean report) {
        ended = subtasks();
        if (report) {
            subtasks().forEach(client::endOfData);
        }
    }

    public void finished() {
        subtasks().forEach(client::finished);
    }

    /** The worker cannot run its part (its job cannot be loaded, say). */
    public void reportFailure(UnrecoverableJobException failure) {
        client.reportFailure(registration.jobName(), registration.attempt(), worker, failure);
    }

    /** This worker's data connection to {@code peer} ended, as a real worker reports it. */
    public void reportLostPeer(int peer, java.io.IOException cause) {
        client.reportLostPeer(peer, cause);
    }

    public List<ExecutionVertexId> subtasks() {
        return topology.subtasksOfWorker(worker);
    }

    /** The next message from the coordinator ("trigger 3", "complete 3", "abort 3", "finish", "cancel"), or null. */
    public String next(long timeoutMs) throws InterruptedException {
        return messages.next(timeoutMs);
    }

    /** Skips messages until one starting with {@code prefix}; null if none came within 10 s of the last. */
    public String await(String prefix) throws InterruptedException {
        return messages.await(prefix);
    }

    @Override
    public void triggerCheckpoint(TriggerCheckpoint trigger) {
        highestTriggered = Math.max(highestTriggered, trigger.checkpointId());
        messages.triggerCheckpoint(trigger);
        if (autoAcknowledge) {
            heartbeats.execute(() -> acknowledge(trigger.checkpointId()));
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        messages.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        messages.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void finish() {
        messages.finish();
    }

    @Override
    public void cancel() {
        messages.cancel();
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        control.close();
    }
}
