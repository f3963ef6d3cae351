package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.SharedStateMissingException;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates barrier checkpoints of one job attempt: triggers them at the sources, collects one
 * acknowledgement per vertex, writes _metadata last and only then announces completion; aborts on
 * decline, timeout or storage failure and counts consecutive failures.
 *
 * <p>At most one checkpoint is pending. All state is guarded by one lock; the gateway, listener,
 * futures and store are never called while holding it: what is decided under the lock is
 * collected as {@link DeferredActions} and run after release; storage calls run on the I/O executor.
 */
public final class CheckpointCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);

    private final String jobName;
    private final int parallelism;
    private final int maxParallelism;
    private final CheckpointConfig config;
    private final Clock clock;
    private final Set<ExecutionVertexId> expectedVertices;
    private final CheckpointTriggerGateway gateway;
    private final CompletedCheckpointStore store;
    private final CheckpointIo io;
    private final CheckpointNotifier notifier;

    private final Object lock = new Object();
    private final TriggerRequestQueue queuedRequests = new TriggerRequestQueue();
    private final CheckpointStatsTracker stats;
    private final CheckpointTriggerTiming timing;
    private final StallGuard stallGuard;
    private long nextCheckpointId;
    private PendingCheckpoint pending;
    private boolean shutdown;

    /**
     * @param nextCheckpointId the first id to use: one above the highest id found in storage, so
     *     ids only grow across attempts and a higher id always covers the lower ones
     */
    public CheckpointCoordinator(
            String jobName,
            int parallelism,
            int maxParallelism,
            CheckpointConfig config,
            Clock clock,
            Set<ExecutionVertexId> expectedVertices,
            CheckpointTriggerGateway gateway,
            CompletedCheckpointStore store,
            Executor ioExecutor,
            CheckpointOutcomeListener listener,
            long nextCheckpointId) {
        if (parallelism < 1 || maxParallelism < parallelism) {
            throw new IllegalArgumentException(
                    "need 1 <= parallelism <= maxParallelism, got " + parallelism + ", " + maxParallelism);
        }
        if (expectedVertices.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint needs at least one vertex to acknowledge");
        }
        if (nextCheckpointId < 1) {
            throw new IllegalArgumentException("checkpoint ids start at 1, got " + nextCheckpointId);
        }
        this.jobName = jobName;
        this.parallelism = parallelism;
        this.maxParallelism = maxParallelism;
        this.config = config;
        this.clock = clock;
        this.expectedVertices = Set.copyOf(expectedVertices);
        this.gateway = gateway;
        this.store = store;
        this.io = new CheckpointIo(ioExecutor, jobName);
        this.notifier = new CheckpointNotifier(gateway, listener, store, io, config.retained());
        this.nextCheckpointId = nextCheckpointId;
        this.stats = new CheckpointStatsTracker(config.tolerableFailures(), config.tolerableFailureMs());
        this.timing = new CheckpointTriggerTiming(config, clock.millis());
        this.stallGuard = new StallGuard(config);
    }

    /**
     * Periodic checkpoints may start: the first one interval after this coordinator was created,
     * or now if that has passed. Call it once every task runs (restored, able to snapshot and
     * upload), as Flink starts its checkpoint scheduler when the job is RUNNING: a checkpoint
     * triggered earlier waits for the slowest worker's start-up (its restore, its storage client)
     * and holds the one pending slot meanwhile. Explicit requests need no start. Idempotent.
     */
    public void startPeriodicCheckpoints() {
        synchronized (lock) {
            if (!shutdown && !timing.started()) {
                timing.start();
                LOG.debug("Job {}: every task runs; periodic checkpoints every {} ms", jobName, config.intervalMs());
            }
        }
    }

    /** Times out the pending checkpoint and triggers a periodic one when it is due. */
    public void tick() {
        DeferredActions actions = new DeferredActions();
        synchronized (lock) {
            if (shutdown) {
                return;
            }
            long now = clock.millis();
            if (pending != null && pending.isTimedOut(now, config.timeoutMs())) {
                abort(pending, CheckpointFailureReason.TIMEOUT, "not completed within " + config.timeoutMs()
                        + " ms (" + pending.acknowledgedCount() + "/" + pending.expectedCount() + " acks)", actions);
            } else if (pending != null && stallGuard.isStalled(pending, now)) {
                abortStalled(pending, now, actions);
            }
            if (pending == null && queuedRequests.isEmpty() && timing.periodicDue(now)) {
                start(CheckpointType.CHECKPOINT, true, new CompletableFuture<>(), actions);
            }
        }
        actions.runAll();
    }

    /**
     * Requests a checkpoint now (final checkpoint, savepoint), ignoring interval and min pause; if
     * one is pending, it starts as soon as that one ends. The future fails with a
     * {@link CheckpointException} if the checkpoint is aborted. A savepoint requested here is one the
     * job goes on after: its completion commits nothing ({@link PendingCheckpoint#commitsSideEffects}).
     */
    public CompletableFuture<CompletedCheckpointStats> triggerCheckpoint(CheckpointType type) {
        return trigger(type, type == CheckpointType.CHECKPOINT);
    }

    /** Requests the savepoint a job stops at: like a checkpoint, its completion commits the sinks' output. */
    public CompletableFuture<CompletedCheckpointStats> triggerStopSavepoint() {
        return trigger(CheckpointType.SAVEPOINT, true);
    }

    private CompletableFuture<CompletedCheckpointStats> trigger(CheckpointType type, boolean commitsSideEffects) {
        CompletableFuture<CompletedCheckpointStats> result = new CompletableFuture<>();
        DeferredActions actions = new DeferredActions();
        synchronized (lock) {
            if (shutdown) {
                actions.add(() -> result.completeExceptionally(new CheckpointException(
                        CheckpointFailureReason.COORDINATOR_SHUTDOWN, "coordinator is shut down")));
            } else if (pending == null) {
                start(type, commitsSideEffects, result, actions);
            } else {
                LOG.debug("Job {}: {} request queued behind checkpoint {}", jobName, type, pending.checkpointId());
                queuedRequests.add(type, commitsSideEffects, result);
            }
        }
        actions.runAll();
        return result;
    }

    /** Acks of unknown, old or aborted checkpoints, of unexpected vertices and duplicates are ignored. */
    public void acknowledge(TaskAcknowledgement ack) {
        PendingCheckpoint acked;
        CheckpointMetadata metadata;
        synchronized (lock) {
            acked = pending;
            if (shutdown || acked == null || acked.checkpointId() != ack.checkpointId()) {
                LOG.debug("Job {}: ignoring ack of checkpoint {} from {}: not pending",
                        jobName, ack.checkpointId(), ack.vertex());
                return;
            }
            PendingCheckpoint.AckResult result = acked.acknowledge(ack, clock.millis());
            if (result != PendingCheckpoint.AckResult.ACCEPTED) {
                LOG.debug("Job {}: ignoring ack of checkpoint {} from {}: {}",
                        jobName, ack.checkpointId(), ack.vertex(), result);
                return;
            }
            LOG.debug("Job {}: ack of checkpoint {} from {} ({}/{})", jobName, ack.checkpointId(), ack.vertex(),
                    acked.acknowledgedCount(), acked.expectedCount());
            if (!acked.isFullyAcknowledged()) {
                return;
            }
            metadata = acked.finalizeMetadata(jobName, parallelism, maxParallelism, clock.millis());
        }
        try {
            io.execute(() -> writeMetadataAndComplete(acked, metadata));
        } catch (RejectedExecutionException e) {
            abortIfPending(acked, CheckpointFailureReason.STORAGE_FAILURE, "I/O executor rejected the metadata write");
        }
    }

    /** A vertex refuses to take checkpoint {@code checkpointId}: abort it. */
    public void decline(long checkpointId, ExecutionVertexId vertex, String reason) {
        DeferredActions actions = new DeferredActions();
        synchronized (lock) {
            PendingCheckpoint pc = pending;
            if (shutdown || pc == null || pc.checkpointId() != checkpointId
                    || !pc.isExpected(vertex) || pc.isFinalizing()) {
                LOG.debug("Job {}: ignoring decline of checkpoint {} from {}", jobName, checkpointId, vertex);
                return;
            }
            abort(pc, CheckpointFailureReason.DECLINED, "declined by " + vertex + ": " + reason, actions);
        }
        actions.runAll();
    }

    /**
     * Aborts the pending checkpoint, e.g. because tasks failed. Queued explicit requests fail too:
     * run against failing tasks they would only fail later; their callers retry on the next attempt.
     */
    public void abortPending(CheckpointFailureReason reason, String message) {
        DeferredActions actions = new DeferredActions();
        synchronized (lock) {
            queuedRequests.failAll(reason, message, actions);
            if (pending != null) {
                abort(pending, reason, message, actions);
            }
        }
        actions.runAll();
    }

    /** The id the next trigger would use: every id below it may have been handed to tasks. */
    public long nextCheckpointId() {
        synchronized (lock) {
            return nextCheckpointId;
        }
    }

    /** Aborts the pending checkpoint (not counted as a failure) and stops triggering. Idempotent. */
    public void shutdown() {
        DeferredActions actions = new DeferredActions();
        synchronized (lock) {
            if (shutdown) {
                return;
            }
            shutdown = true;
            String message = "coordinator shut down";
            queuedRequests.failAll(CheckpointFailureReason.COORDINATOR_SHUTDOWN, message, actions);
            if (pending != null) {
                abort(pending, CheckpointFailureReason.COORDINATOR_SHUTDOWN, message, actions);
            }
            LOG.debug("Job {}: checkpoint coordinator shut down", jobName);
        }
        actions.runAll();
    }

    public String jobName() {
        return jobName;
    }

    public long completedCount() {
        synchronized (lock) {
            return stats.completedCount();
        }
    }

    /** All aborted checkpoints, whether they count towards the tolerance or not. */
    public long failedCount() {
        synchronized (lock) {
            return stats.failedCount();
        }
    }

    public int consecutiveFailures() {
        synchronized (lock) {
            return stats.consecutiveFailures();
        }
    }

    /** The current run of consecutive counted failures: how many, for how long, and the latest one's cause. */
    public FailureRun failureRun() {
        synchronized (lock) {
            return new FailureRun(stats.consecutiveFailures(), stats.failingForMs(clock.millis()), stats.lastFailure());
        }
    }

    /**
     * Consecutive checkpoint failures that count towards the tolerance, since the last completed one.
     *
     * @param lastFailure reason and message of the latest; null when {@code consecutive} is 0
     */
    public record FailureRun(int consecutive, long failingForMs, String lastFailure) {

        public static final FailureRun NONE = new FailureRun(0, 0, null);
    }

    public Optional<CompletedCheckpointStats> lastCompleted() {
        synchronized (lock) {
            return stats.lastCompleted();
        }
    }

    /** The pending checkpoint, including one whose metadata is being written. */
    public OptionalLong pendingCheckpointId() {
        synchronized (lock) {
            return pending == null ? OptionalLong.empty() : OptionalLong.of(pending.checkpointId());
        }
    }

    /** Must hold the lock. */
    private void start(CheckpointType type, boolean commitsSideEffects, CompletableFuture<CompletedCheckpointStats> result,
                       DeferredActions actions) {
        long now = clock.millis();
        PendingCheckpoint pc = new PendingCheckpoint(nextCheckpointId++, type, commitsSideEffects, now, expectedVertices,
                result);
        pending = pc;
        timing.triggered(now);
        LOG.debug("Job {}: triggering {} {}", jobName, type, pc.checkpointId());
        notifier.triggered(pc, actions);
        actions.add(() -> sendTrigger(pc));
    }

    private void sendTrigger(PendingCheckpoint pc) {
        CompletableFuture<Void> sent;
        try {
            sent = gateway.triggerCheckpoint(config.barrier(pc.checkpointId(), pc.triggerTimestamp(), pc.type()));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ignored, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                LOG.warn("Job {}: sending trigger of checkpoint {} failed", jobName, pc.checkpointId(), cause);
                abortIfPending(pc, CheckpointFailureReason.TRIGGER_FAILURE, "trigger failed: " + cause);
            }
        });
    }

    /** Runs on the I/O executor: the checkpoint is complete only once _metadata is written. */
    private void writeMetadataAndComplete(PendingCheckpoint pc, CheckpointMetadata metadata) {
        try {
            store.writeMetadata(metadata, pc.type());
        } catch (SharedStateMissingException e) {
            LOG.info("Job {}: checkpoint {} not completed: {}", jobName, pc.checkpointId(), e.getMessage());
            abortIfPending(pc, CheckpointFailureReason.SHARED_STATE_MISSING, e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Job {}: writing metadata of checkpoint {} failed", jobName, pc.checkpointId(), e);
            abortIfPending(pc, CheckpointFailureReason.STORAGE_FAILURE, "writing _metadata failed: " + e);
            return;
        }
        CompletedCheckpointStats completed = new CompletedCheckpointStats(
                pc.checkpointId(), pc.type(), store.location(pc.checkpointId(), pc.type()),
                metadata.triggerTimestamp(), metadata.completionTimestamp(),
                metadata.completionTimestamp() - metadata.triggerTimestamp(), metadata.stateSize(), pc.timings(),
                metadata.uploadedSize(), pc.subtaskStats());
        DeferredActions actions = new DeferredActions();
        synchronized (lock) {
            if (pending != pc) {
                // Aborted (failover, shutdown, timeout) during the write. Storage is the source of
                // truth, so a restore may still pick this checkpoint up; tasks were told "aborted".
                LOG.info("Job {}: metadata of aborted checkpoint {} was written at {}",
                        jobName, pc.checkpointId(), completed.location());
                return;
            }
            pending = null;
            timing.ended(clock.millis());
            stats.completed(completed);
            stallGuard.completed();
            LOG.debug("Job {}: completed {} {} at {} ({} ms, {} bytes)", jobName, pc.type(),
                    pc.checkpointId(), completed.location(), completed.durationMs(), completed.stateSize());
            notifier.completed(pc, completed, actions);
            startQueued(actions);
        }
        actions.runAll();
    }

    private void abortIfPending(PendingCheckpoint pc, CheckpointFailureReason reason, String message) {
        DeferredActions actions = new DeferredActions();
        synchronized (lock) {
            if (pending == pc) {
                abort(pc, reason, message, actions);
            }
        }
        actions.runAll();
    }

    /** Must hold the lock. */
    private void abort(PendingCheckpoint pc, CheckpointFailureReason reason, String message, DeferredActions actions) {
        pending = null;
        timing.ended(clock.millis());
        long now = clock.millis();
        boolean exceeded = stats.failed(reason, message, pc.triggerTimestamp(), now);
        LOG.info("Job {}: aborted {} {}: {} {}", jobName, pc.type(), pc.checkpointId(), reason, message);
        notifier.aborted(pc, reason, message, actions);
        if (exceeded) {
            int consecutive = stats.consecutiveFailures();
            long failingForMs = stats.failingForMs(now);
            LOG.info("Job {}: {} consecutive checkpoint failures over {} ms exceed the tolerance of {} failures and {} ms",
                    jobName, consecutive, failingForMs, config.tolerableFailures(), config.tolerableFailureMs());
            notifier.toleranceExceeded(consecutive, failingForMs, reason + ": " + message, actions);
        }
        startQueued(actions);
    }

    /**
     * Must hold the lock. The next checkpoint comes at once (after the min pause), not an interval
     * after the stalled one's trigger, and may go twice as long without an ack.
     */
    private void abortStalled(PendingCheckpoint pc, long now, DeferredActions actions) {
        String message = "no acknowledgement for " + (now - pc.lastProgressMillis()) + " ms ("
                + pc.acknowledgedCount() + "/" + pc.expectedCount() + " acks; waiting for "
                + pc.missingVertices().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", "))
                + ")";
        stallGuard.stalled();
        abort(pc, CheckpointFailureReason.STALLED, message, actions);
        timing.retryNow();
        LOG.info("Job {}: the next checkpoint may go {} ms without an acknowledgement", jobName, stallGuard.limitMs());
    }

    /** Must hold the lock: starts the oldest queued explicit request now that none is pending. */
    private void startQueued(DeferredActions actions) {
        TriggerRequestQueue.TriggerRequest next = shutdown ? null : queuedRequests.poll();
        if (next != null) {
            start(next.type(), next.commitsSideEffects(), next.result(), actions);
        }
    }
}
