package dev.weir.runtime.worker;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.exec.TaskListener;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.CoordinatorRoutes;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.HeartbeatReply;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.PeerLost;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.WorkerFailure;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.worker.transport.BearerToken;
import dev.weir.runtime.worker.transport.ControlPlaneException;
import dev.weir.runtime.worker.transport.JsonHttpClient;

/**
 * A worker's line to its job's coordinator: registration and peer discovery, heartbeats, and, as the
 * tasks' {@link TaskListener}, their acks, declines and lifecycle events. One instance per worker
 * process, bound to the attempt it registered for.
 */
public final class CoordinatorClient implements TaskListener {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorClient.class);
    private static final long FIRST_POLL_MS = 20;
    private static final long MAX_POLL_MS = 500;

    private final URI coordinator;
    private final int parallelism;
    private final JsonHttpClient http;
    /** Heartbeats do not queue behind acknowledgements (large bodies) or their retries: a client of their own. */
    private final JsonHttpClient heartbeats;
    private final Consumer<ControlPlaneException> onLostTaskEvent;
    private volatile WorkerRegistration registration;

    /**
     * @param coordinator     base URL, e.g. {@code http://10.0.0.5:8081}
     * @param parallelism     number of workers of the job; peers are complete when all have registered
     * @param onLostTaskEvent told when a task event could not be delivered even after retries (or the
     *                        attempt is gone); the coordinator then cannot know the task's state, so the
     *                        worker should stop and let missing heartbeats fail the attempt over. Not for
     *                        RUNNING and END_OF_DATA: heartbeats repeat them (a coordinator taking over
     *                        after an operator restart learns them from there)
     */
    public CoordinatorClient(URI coordinator, String jobToken, int parallelism, JsonHttpClient.Settings settings,
                             Consumer<ControlPlaneException> onLostTaskEvent) {
        this(coordinator, jobToken, parallelism, settings, null, onLostTaskEvent);
    }

    /** @param tls mutual TLS for an {@code https://} coordinator; null for plain HTTP */
    public CoordinatorClient(URI coordinator, String jobToken, int parallelism, JsonHttpClient.Settings settings,
                             TransportTls tls, Consumer<ControlPlaneException> onLostTaskEvent) {
        this.coordinator = coordinator;
        this.parallelism = parallelism;
        this.http = new JsonHttpClient(BearerToken.of(jobToken), settings, tls);
        this.heartbeats = new JsonHttpClient(BearerToken.of(jobToken), settings.once(), tls);
        this.onLostTaskEvent = onLostTaskEvent;
    }

    public CoordinatorClient(URI coordinator, String jobToken, int parallelism) {
        this(coordinator, jobToken, parallelism, JsonHttpClient.Settings.defaults(),
                e -> LOG.error("task event lost: {}", e.getMessage()));
    }

    /**
     * Calls the coordinator once ahead of the first real call, with a GET of a path it does not
     * serve (answered 404, which closes the connection; nothing changes): registration then finds
     * the HTTP client's request and response path loaded, which in a fresh JVM on a busy machine
     * takes most of a second (a standby worker's registration measured 0.5 to 0.9 s at load 15-25).
     */
    public void connectAhead() {
        URI nowhere = coordinator.resolve("/v1/connect-ahead");
        http.connectInBackground(nowhere);
        heartbeats.connectInBackground(nowhere);
    }

    /** Announces this worker; returns whoever has registered so far (maybe not everyone yet). */
    public PeerList register(WorkerRegistration self) throws ControlPlaneException {
        PeerList peers = http.post(uri(self, CoordinatorRoutes.REGISTER), self, PeerList.class);
        registration = self;
        LOG.info("worker {} registered for attempt {} of job {}", self.worker(), self.attempt(), self.jobName());
        return peers;
    }

    /**
     * Polls until all workers of this attempt have registered. Fails fast with a
     * {@link ControlPlaneException} when the coordinator says the attempt is gone (409/410).
     */
    public PeerList awaitPeers(Duration timeout)
            throws ControlPlaneException, TimeoutException, InterruptedException {
        WorkerRegistration self = registered();
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_POLL_MS;
        while (true) {
            PeerList peers = http.get(uri(self, CoordinatorRoutes.PEERS), PeerList.class);
            if (peers.isCompleteFor(parallelism)) {
                return peers;
            }
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new TimeoutException(peers.workers().size() + " of " + parallelism + " workers of attempt "
                        + self.attempt() + " registered within " + timeout);
            }
            Thread.sleep(Math.min(pause, leftMs));
            pause = Math.min(pause * 2, MAX_POLL_MS);
        }
    }

    /**
     * Failures are the caller's to judge: a 410 means this worker's attempt is over. A coordinator
     * that took over running workers (operator restart, leader change) does not know this worker
     * yet: it is registered again, with the registration it made at start.
     */
    public void heartbeat(Heartbeat heartbeat) throws ControlPlaneException {
        WorkerRegistration self = registered();
        HeartbeatReply reply = heartbeats.post(uri(self, CoordinatorRoutes.HEARTBEAT), heartbeat, HeartbeatReply.class);
        if (reply != null && !reply.registered()) {
            LOG.info("worker {}: the coordinator of attempt {} does not know it; registering again", self.worker(),
                    self.attempt());
            http.post(uri(self, CoordinatorRoutes.REGISTER), self, PeerList.class);
        }
    }

    /**
     * Tells the coordinator that this worker cannot run its part of the attempt (before any task
     * exists, e.g. its job cannot be loaded). Best effort: the worker exits next, which a host
     * notices anyway.
     */
    public void reportFailure(String jobName, long attempt, int worker, Throwable cause) {
        UnrecoverableJobException unrecoverable = UnrecoverableJobException.find(cause);
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        try {
            http.post(coordinator.resolve(CoordinatorRoutes.attemptPath(jobName, attempt, CoordinatorRoutes.FAILURE)),
                    new WorkerFailure(attempt, worker, message, unrecoverable == null ? null : unrecoverable.kind()),
                    Void.class);
        } catch (ControlPlaneException e) {
            LOG.warn("worker {}: could not report its failure to the coordinator: {}", worker, e.getMessage());
        }
    }

    /**
     * Tells the coordinator that this worker's data connection to {@code peer} ended, so it fails the
     * attempt at once instead of waiting for the peer's host or its silence. Best effort: the
     * worker stops next, which the host notices too.
     */
    public void reportLostPeer(int peer, Throwable cause) {
        WorkerRegistration self = registered();
        String message = cause.getMessage() + (cause.getCause() == null ? "" : ": " + cause.getCause());
        try {
            http.post(uri(self, CoordinatorRoutes.PEER_LOST), new PeerLost(self.attempt(), self.worker(), peer, message),
                    Void.class);
        } catch (ControlPlaneException e) {
            LOG.warn("worker {}: could not report the lost connection to worker {}: {}", self.worker(), peer,
                    e.getMessage());
        }
    }

    @Override
    public void acknowledgeCheckpoint(TaskAcknowledgement acknowledgement) {
        WorkerRegistration self = registered();
        try {
            http.post(uri(self, CoordinatorRoutes.ACK), new Acknowledge(self.attempt(), acknowledgement), Void.class);
        } catch (ControlPlaneException e) {
            // A lost ack only fails this checkpoint (the coordinator times it out); the next one can succeed.
            LOG.warn("{}: ack of checkpoint {} not delivered: {}", acknowledgement.vertex(),
                    acknowledgement.checkpointId(), e.getMessage());
        }
    }

    @Override
    public void declineCheckpoint(long checkpointId, ExecutionVertexId vertex, String reason) {
        WorkerRegistration self = registered();
        try {
            http.post(uri(self, CoordinatorRoutes.DECLINE), new Decline(self.attempt(), checkpointId, vertex, reason),
                    Void.class);
        } catch (ControlPlaneException e) {
            LOG.warn("{}: decline of checkpoint {} not delivered: {}", vertex, checkpointId, e.getMessage());
        }
    }

    @Override
    public void running(ExecutionVertexId vertex) {
        sendEvent(vertex, TaskEvent.Kind.RUNNING, null);
    }

    @Override
    public void endOfData(ExecutionVertexId vertex) {
        sendEvent(vertex, TaskEvent.Kind.END_OF_DATA, null);
    }

    @Override
    public void finished(ExecutionVertexId vertex) {
        sendEvent(vertex, TaskEvent.Kind.FINISHED, null);
    }

    @Override
    public void failed(ExecutionVertexId vertex, Throwable cause) {
        UnrecoverableJobException unrecoverable = UnrecoverableJobException.find(cause);
        sendEvent(vertex, TaskEvent.Kind.FAILED, unrecoverable == null ? String.valueOf(cause) : unrecoverable.getMessage(),
                unrecoverable == null ? null : unrecoverable.kind());
    }

    private void sendEvent(ExecutionVertexId vertex, TaskEvent.Kind kind, String error) {
        sendEvent(vertex, kind, error, null);
    }

    private void sendEvent(ExecutionVertexId vertex, TaskEvent.Kind kind, String error,
                           UnrecoverableJobException.Kind unrecoverable) {
        WorkerRegistration self = registered();
        try {
            http.post(uri(self, CoordinatorRoutes.EVENTS), new TaskEvent(self.attempt(), vertex, kind, error, unrecoverable),
                    Void.class);
        } catch (ControlPlaneException e) {
            LOG.warn("{}: {} event not delivered: {}", vertex, kind, e.getMessage());
            if (!kind.repeatedByHeartbeats() || e.isAttemptGone() || e.isUnauthorized()) {
                onLostTaskEvent.accept(e);
            }
        }
    }

    private WorkerRegistration registered() {
        WorkerRegistration self = registration;
        if (self == null) {
            throw new IllegalStateException("register() with the coordinator first");
        }
        return self;
    }

    private URI uri(WorkerRegistration self, String action) {
        return coordinator.resolve(CoordinatorRoutes.attemptPath(self.jobName(), self.attempt(), action));
    }
}
