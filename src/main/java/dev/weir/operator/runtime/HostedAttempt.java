package dev.weir.operator.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.AttemptTaskListener;
import dev.weir.coordinator.CheckpointCoordinator;
import dev.weir.coordinator.CheckpointFailureReason;
import dev.weir.coordinator.CheckpointOutcomeListener;
import dev.weir.coordinator.CheckpointScheduler;
import dev.weir.coordinator.CheckpointTriggerGateway;
import dev.weir.coordinator.Clock;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.StorageCompletedCheckpointStore;
import dev.weir.coordinator.remote.PeerRegistry;
import dev.weir.coordinator.remote.WorkerClient;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.ControlPlaneException;

/**
 * The coordinator side of one running attempt, hosted in the operator: the registry its workers
 * register with, and once all are in, a {@link CheckpointCoordinator} that triggers checkpoints
 * through their control endpoints and writes _metadata to the job's storage. It records what it
 * sees (failures, the latest checkpoint, the end of the job) for the reconciler to read; it never
 * touches Kubernetes.
 *
 * <p>Re-attached to workers that already run (after an operator restart or a leader change), it
 * waits for a heartbeat from each before the first checkpoint: the heartbeats carry the highest
 * checkpoint id the workers were triggered with, and ids continue above it, since tasks ignore
 * barriers of ids they have started (even of a checkpoint the old coordinator never completed).
 */
final class HostedAttempt extends AttemptTaskListener implements CheckpointTriggerGateway, CheckpointOutcomeListener {

    private static final Logger LOG = LoggerFactory.getLogger(HostedAttempt.class);

    private final AttemptPlan plan;
    private final Set<ExecutionVertexId> vertices;
    private final CheckpointStorage storage;
    private final long firstCheckpointId;
    private final PeerRegistry registry;
    private final ScheduledExecutorService monitor;
    private final ExecutorService io;
    private final Map<String, CompletableFuture<CompletedCheckpointStats>> savepoints = new ConcurrentHashMap<>();
    private final Set<ExecutionVertexId> ended = ConcurrentHashMap.newKeySet();
    private final Set<ExecutionVertexId> finishedVertices = ConcurrentHashMap.newKeySet();
    private final boolean reattached;
    /** Guards starting the coordinator against stopping the attempt. */
    private final Object lifecycle = new Object();
    private boolean stopped;
    private volatile boolean detached;
    private volatile WorkerClient[] clients;
    private volatile CheckpointScheduler scheduler;
    private volatile String failure;
    private volatile boolean finished;
    private final AtomicBoolean finalCheckpointRequested = new AtomicBoolean();
    private volatile CompletedCheckpointStats lastCheckpoint;

    HostedAttempt(AttemptPlan plan, Set<ExecutionVertexId> vertices, CheckpointStorage storage, long firstCheckpointId,
                  Duration heartbeatTimeout, List<WorkerRegistration> knownWorkers) {
        this.plan = plan;
        this.vertices = new LinkedHashSet<>(vertices);
        this.storage = storage;
        this.firstCheckpointId = firstCheckpointId;
        this.registry = new PeerRegistry(plan.attempt(), plan.parallelism(), Clock.system(), heartbeatTimeout);
        for (WorkerRegistration worker : knownWorkers) {
            registry.register(worker);
        }
        this.reattached = !knownWorkers.isEmpty();
        String name = plan.job().coordinatorJobName();
        this.io = Executors.newSingleThreadExecutor(daemon("weir-checkpoint-io-" + name));
        this.monitor = Executors.newSingleThreadScheduledExecutor(daemon("weir-attempt-monitor-" + name));
        monitor.scheduleWithFixedDelay(this::check, 100, 100, TimeUnit.MILLISECONDS);
    }

    PeerRegistry registry() {
        return registry;
    }

    long attempt() {
        return plan.attempt();
    }

    AttemptView view() {
        int registered = registry.peers().workers().size();
        CompletedCheckpointStats last = lastCheckpoint;
        return new AttemptView(true, registered, failure, finished, last == null ? null : snapshot(last));
    }

    /** One future per request id; a failed one is replaced by a new savepoint when asked again. */
    SavepointState savepoint(String requestId) {
        CheckpointCoordinator c = coordinator();
        if (c == null) {
            return SavepointState.failed("not all workers are running yet");
        }
        CompletableFuture<CompletedCheckpointStats> future = savepoints.computeIfAbsent(requestId,
                id -> c.triggerCheckpoint(CheckpointType.SAVEPOINT));
        if (!future.isDone()) {
            return SavepointState.IN_PROGRESS;
        }
        try {
            return SavepointState.completed(snapshot(future.join()));
        } catch (RuntimeException e) {
            savepoints.remove(requestId, future);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return SavepointState.failed(cause.getMessage());
        }
    }

    /** Aborts the pending checkpoint and tells the workers to cancel; their pods are deleted by the caller. */
    void stop() {
        stopCoordinating();
        CheckpointCoordinator c = coordinator();
        if (c != null) {
            c.abortPending(CheckpointFailureReason.JOB_FAILOVER, "attempt " + plan.attempt() + " stopped");
            c.shutdown();
        }
        if (!finished) {
            each(WorkerClient::cancel);
        }
        closeStorage();
    }

    /**
     * Stops coordinating without a word to the workers: the operator shuts down or lost the
     * leadership, and the next one re-attaches to the workers as they run. A pending checkpoint
     * ends here only; the next coordinator's first checkpoint supersedes it on the workers.
     */
    void detach() {
        detached = true;
        stopCoordinating();
        CheckpointCoordinator c = coordinator();
        if (c != null) {
            c.shutdown();
        }
        closeStorage();
    }

    private void stopCoordinating() {
        synchronized (lifecycle) {
            stopped = true;
        }
        monitor.shutdownNow();
        CheckpointScheduler s = scheduler;
        if (s != null) {
            s.stop();
        }
    }

    /** After the I/O already queued (a metadata write, a discard), never under it. */
    private void closeStorage() {
        try {
            io.execute(storage::close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            storage.close();
        }
        io.shutdown();
    }

    private void check() {
        try {
            synchronized (lifecycle) {
                if (!stopped && coordinator() == null && registry.isComplete()
                        && (!reattached || registry.allHeartbeated())) {
                    start();
                }
            }
            // Re-attached workers are judged from the start: one that died meanwhile never heartbeats.
            if ((coordinator() != null || reattached) && failure == null && !finished) {
                Set<Integer> silent = registry.silentWorkers();
                if (!silent.isEmpty()) {
                    fail("worker " + silent.iterator().next() + " sent no heartbeat for too long");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("job {}: attempt monitor failed", plan.job(), e);
        }
    }

    private void start() {
        Map<Integer, WorkerClient> byWorker = new HashMap<>();
        for (WorkerRegistration worker : registry.peers().workers()) {
            byWorker.put(worker.worker(), WorkerClient.forWorker(worker, plan.token()));
        }
        WorkerClient[] ordered = new WorkerClient[plan.parallelism()];
        byWorker.forEach((i, client) -> ordered[i] = client);
        clients = ordered;
        long firstId = Math.max(firstCheckpointId, registry.highestReportedCheckpointId() + 1);
        CheckpointCoordinator c = new CheckpointCoordinator(plan.job().coordinatorJobName(), plan.parallelism(),
                plan.maxParallelism(), plan.checkpoint(), Clock.system(), vertices, this,
                new StorageCompletedCheckpointStore(storage), io, this, firstId);
        coordinateWith(c);
        CheckpointScheduler s = new CheckpointScheduler(c);
        scheduler = s;
        s.start();
        if (ended.containsAll(vertices) && finalCheckpointRequested.compareAndSet(false, true)) {
            // Every task ended before this coordinator started (heard through a re-attached worker's heartbeat).
            requestFinalCheckpoint(c);
        }
        LOG.info("job {}: all {} workers of attempt {} {}; coordinating checkpoints from id {}", plan.job(),
                plan.parallelism(), plan.attempt(), reattached ? "re-attached" : "registered", firstId);
    }

    private void fail(String reason) {
        if (failure == null) {
            failure = reason;
            LOG.warn("job {}: attempt {} failed: {}", plan.job(), plan.attempt(), reason);
            CheckpointCoordinator c = coordinator();
            if (c != null) {
                c.abortPending(CheckpointFailureReason.JOB_FAILOVER, reason);
            }
        }
    }

    // TaskListener: what the workers report through the coordinator server (acks and declines: AttemptTaskListener).

    @Override
    public void endOfData(ExecutionVertexId vertex) {
        ended.add(vertex);
        CheckpointCoordinator c = coordinator();
        if (c != null && ended.containsAll(vertices) && finalCheckpointRequested.compareAndSet(false, true)) {
            requestFinalCheckpoint(c);
        }
    }

    /** A bounded job ends with a checkpoint so transactional sinks commit everything before the tasks exit. */
    private void requestFinalCheckpoint(CheckpointCoordinator c) {
        c.triggerCheckpoint(CheckpointType.CHECKPOINT).whenComplete((stats, error) -> {
            if (error == null) {
                each(WorkerClient::finish);
            } else if (failure == null && !monitor.isShutdown()) {
                LOG.warn("job {}: final checkpoint failed ({}); trying again", plan.job(), error.getMessage());
                requestFinalCheckpoint(c);
            }
        });
    }

    @Override
    public void finished(ExecutionVertexId vertex) {
        finishedVertices.add(vertex);
        if (finishedVertices.containsAll(vertices)) {
            finished = true;
        }
    }

    @Override
    public void failed(ExecutionVertexId vertex, Throwable cause) {
        fail("task " + vertex + " failed: " + cause.getMessage());
    }

    // CheckpointTriggerGateway: the coordinator's messages, fanned out to every worker.

    @Override
    public void triggerCheckpoint(long checkpointId, long timestamp, CheckpointType type) {
        TriggerCheckpoint trigger = new TriggerCheckpoint(checkpointId, timestamp, type);
        for (WorkerClient client : clients) {
            if (detached) {
                return;
            }
            try {
                client.triggerCheckpoint(trigger);
            } catch (ControlPlaneException e) {
                throw new IllegalStateException("cannot trigger checkpoint " + checkpointId + " at "
                        + client.control() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        each(client -> client.notifyCheckpointComplete(checkpointId));
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        each(client -> client.notifyCheckpointAborted(checkpointId));
    }

    private interface Call {
        void accept(WorkerClient client) throws ControlPlaneException;
    }

    private void each(Call call) {
        WorkerClient[] all = clients;
        if (all == null) {
            return;
        }
        for (WorkerClient client : all) {
            if (detached) {
                return;
            }
            try {
                call.accept(client);
            } catch (ControlPlaneException e) {
                LOG.debug("job {}: message did not reach {}: {}", plan.job(), client.control(), e.getMessage());
            }
        }
    }

    // CheckpointOutcomeListener

    @Override
    public void onCheckpointCompleted(CompletedCheckpointStats stats) {
        if (stats.type() == CheckpointType.CHECKPOINT) {
            lastCheckpoint = stats;
        }
        OperatorMetrics.checkpointCompleted(plan.job(), stats);
    }

    @Override
    public void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {
        LOG.info("job {}: checkpoint {} failed ({}): {}", plan.job(), checkpointId, reason, message);
        // As the tolerance counts them: an attempt ending or a coordinator detaching is no checkpoint failure.
        if (reason.countsTowardsTolerableFailures() && !detached) {
            OperatorMetrics.checkpointFailed(plan.job());
        }
    }

    @Override
    public void onTolerableFailuresExceeded(int consecutiveFailures, String lastReason) {
        fail(consecutiveFailures + " consecutive checkpoint failures; last: " + lastReason);
    }

    static SnapshotInfo snapshot(CompletedCheckpointStats stats) {
        return new SnapshotInfo(stats.checkpointId(), stats.location(), stats.completionTimestamp(), stats.durationMs(),
                stats.stateSize());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
