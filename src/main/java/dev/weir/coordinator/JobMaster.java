package dev.weir.coordinator;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.CompletedCheckpointRef;

/**
 * Runs a job to its end on one machine ({@code weir local}, benchmarks): each attempt is an
 * {@link AttemptCoordinator} with workers started by the {@link JobDeployer}; when an attempt fails,
 * the job restarts from the latest completed checkpoint (found in storage, not in memory) after a
 * backoff and within the restart limit, unless the failure is one no restart can heal. Storage that
 * cannot be read before an attempt is waited for ({@link AttemptStorage}); a stop request ends any
 * wait at once.
 */
public final class JobMaster {

    private static final Logger LOG = LoggerFactory.getLogger(JobMaster.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final long HOUSEKEEPING_WAIT_SECONDS = 10;

    public record Settings(String jobName, int parallelism, int maxParallelism,
                           CheckpointConfig checkpoint, RestartStrategy.Settings restart) {}

    private final Settings settings;
    private final CheckpointStorage storage;
    private final JobDeployer deployer;
    private final Clock clock;
    private final JobMasterListener listener;
    private final ExecutorService io;
    private final RestartStrategy restartStrategy;
    private final AttemptStorage attemptStorage;
    /** Guards the stop requests below and wakes a restart backoff. */
    private final Object requests = new Object();
    private boolean cancelRequested;
    private boolean stopRequested;
    private volatile AttemptCoordinator current;
    private long completed;
    private long failed;
    private CompletedCheckpointStats lastCheckpoint;
    private CompletedCheckpointStats lastSavepoint;
    /**
     * The highest id an earlier attempt's coordinator handed out. Storage alone does not show an
     * aborted checkpoint no task had uploaded to yet, and reusing its id would let the abort's
     * asynchronous discard delete the next attempt's files of the same id.
     */
    private long highestIssuedId;

    public JobMaster(Settings settings, CheckpointStorage storage, JobDeployer deployer, Clock clock,
                     JobMasterListener listener) {
        this.settings = settings;
        this.storage = storage;
        this.deployer = deployer;
        this.clock = clock;
        this.listener = listener;
        this.restartStrategy = new RestartStrategy(settings.restart());
        this.attemptStorage = new AttemptStorage(settings.jobName(), storage, clock, listener,
                AttemptStorage.INITIAL_RETRY_MS, AttemptStorage.MAX_RETRY_MS);
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "weir-checkpoint-io-" + settings.jobName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs until the job finishes, fails for good, or is stopped. */
    public JobResult run(RestoreTarget initialRestore) throws InterruptedException {
        long start = clock.millis();
        RestoreTarget restore = initialRestore;
        String restoredFrom = initialRestore == null ? null : initialRestore.location();
        long attempt = 0;
        long attemptsRun = 0;
        long restarts = 0;
        // Completes when the last attempt's workers are gone; the next attempt's start in the meantime.
        CompletableFuture<Void> previousGone = CompletableFuture.completedFuture(null);
        AttemptFailure lastFailure = null;
        try {
            while (true) {
                Optional<AttemptStorage.Start> storageView = attemptStorage.read(attempt, this::awaitStopRequest);
                if (storageView.isEmpty()) {
                    AttemptStorage.Unavailable down = attemptStorage.lastUnavailable();
                    return result(new Ended(attemptsRun, restarts, restoredFrom, start), JobResult.JobState.CANCELED,
                            "stopped while waiting for checkpoint storage (unavailable for " + down.forMs() + " ms: "
                                    + down.problem() + ")" + (lastFailure == null ? ""
                                    : "; the last attempt failed: " + lastFailure.describe()), null);
                }
                AttemptStorage.Start view = storageView.get();
                attempt = view.attempt();
                if (attemptsRun > 0) {
                    // Never go back behind what this run restored from (a savepoint is not in checkpoints/).
                    Optional<CompletedCheckpointRef> latest = view.latest();
                    if (latest.isPresent() && (restore == null || latest.get().id() > restore.checkpointId())) {
                        restore = new RestoreTarget(latest.get().location(), latest.get().metadata());
                    }
                    if (restore != null) {
                        restoredFrom = restore.location();
                    }
                }
                attemptsRun++;
                listener.onAttemptStarted(attempt, restore == null ? null : restore.location());
                Ran ran = runAttempt(attempt, restore, firstCheckpointId(view, restore), previousGone);
                previousGone = ran.gone();
                AttemptOutcome outcome = ran.outcome();
                Ended ended = new Ended(attemptsRun, restarts, restoredFrom, start);
                if (outcome instanceof AttemptOutcome.Finished) {
                    return result(ended, JobResult.JobState.FINISHED, null, null);
                }
                if (outcome instanceof AttemptOutcome.Suspended s) {
                    synchronized (this) {
                        lastSavepoint = s.savepoint();
                    }
                    return result(ended, JobResult.JobState.SUSPENDED, null, null);
                }
                if (outcome instanceof AttemptOutcome.Canceled c) {
                    return result(ended, JobResult.JobState.CANCELED, c.reason(), null);
                }
                AttemptFailure failure = ((AttemptOutcome.Failed) outcome).failure();
                lastFailure = failure;
                if (!failure.recoverable()) {
                    listener.onAttemptFailed(attempt, failure, false);
                    LOG.error("job {} failed and is not restarted: {}", settings.jobName(), failure.describe());
                    return result(ended, JobResult.JobState.FAILED, failure.describe(), failure);
                }
                OptionalLong delay = restartStrategy.onFailure(clock.millis());
                listener.onAttemptFailed(attempt, failure, delay.isPresent());
                if (delay.isEmpty()) {
                    String reason = "restarted " + restartStrategy.restartsInWindow() + " times within "
                            + settings.restart().windowMs() + " ms; last failure: " + failure.describe();
                    LOG.error("job {} failed: {}", settings.jobName(), reason);
                    return result(ended, JobResult.JobState.FAILED, reason, failure);
                }
                listener.onRestarting(attempt + 1, failure.describe(), delay.getAsLong());
                LOG.info("job {}: attempt {} failed ({}); restarting in {} ms",
                        settings.jobName(), attempt, failure.describe(), delay.getAsLong());
                if (awaitStopRequest(delay.getAsLong())) {
                    return result(ended, JobResult.JobState.CANCELED, "stopped while waiting to restart after: "
                            + failure.describe(), null);
                }
                restarts++;
            }
        } finally {
            awaitGone(previousGone);
            finishHousekeeping();
        }
    }

    /** Asks the running job to stop without a savepoint (the next attempt is not started). */
    public void cancel() {
        synchronized (requests) {
            cancelRequested = true;
            requests.notifyAll();
        }
        AttemptCoordinator attempt = current;
        if (attempt != null) {
            attempt.cancel();
        }
    }

    /**
     * Stops the job after a savepoint: {@link #run} returns SUSPENDED with the savepoint to resume
     * from. If the savepoint fails the job is canceled instead (its checkpoints remain); while the
     * job waits to restart, it ends at once.
     */
    public void stopWithSavepoint() {
        synchronized (requests) {
            stopRequested = true;
            requests.notifyAll();
        }
        AttemptCoordinator attempt = current;
        if (attempt != null) {
            attempt.stopWithSavepoint();
        }
    }

    /**
     * Takes a savepoint of the running job (kept until the user deletes it); the job goes on.
     * Fails when no attempt is running or the savepoint is aborted.
     */
    public CompletableFuture<CompletedCheckpointStats> triggerSavepoint() {
        AttemptCoordinator attempt = current;
        if (attempt == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("job " + settings.jobName() + " is not running"));
        }
        return attempt.triggerSavepoint();
    }

    /** The attempt running now; null between attempts (deploying, waiting to restart) and after the end. */
    public AttemptCoordinator currentAttempt() {
        return current;
    }

    /** How an attempt ended, and when what is left of it (its workers, its coordinator) is gone. */
    private record Ran(AttemptOutcome outcome, CompletableFuture<Void> gone) {}

    /**
     * Runs one attempt to its outcome. Its workers start while {@code previousGone} is pending (the
     * last attempt's workers still stopping), but get their peers only once it completed; workers of
     * this process cannot be held back like that, so they start after it.
     */
    private Ran runAttempt(long attempt, RestoreTarget restore, long firstId,
                           CompletableFuture<Void> previousGone)
            throws InterruptedException {
        JobDeployer.Workers workers = deployer.workers();
        AttemptCoordinator coordinator = new AttemptCoordinator(new AttemptCoordinator.Settings(settings.jobName(),
                attempt, settings.parallelism(), settings.maxParallelism(), workers.count(), settings.checkpoint(),
                workers.heartbeatTimeout(), workers.registrationTimeout(), firstId),
                new StorageCompletedCheckpointStore(storage), io, clock, workers.gateways(), new Counting());
        current = coordinator;
        if (workers.gateways() == null) {
            awaitGone(previousGone);
        } else {
            coordinator.holdPeersUntil(previousGone);
        }
        synchronized (requests) {
            if (cancelRequested) {
                coordinator.cancel();
            } else if (stopRequested) {
                coordinator.stopWithSavepoint();
            }
        }
        JobDeployer.Deployment deployment = null;
        AttemptOutcome outcome = null;
        try {
            try {
                deployment = deployer.deploy(attempt, restore, coordinator);
            } catch (Exception e) {
                LOG.warn("job {}: deploying attempt {} failed: {}", settings.jobName(), attempt, e.toString());
                AttemptFailure failure = AttemptFailure.of(AttemptFailure.Cause.DeploymentFailed,
                        "deployment failed: " + e.getMessage(), e);
                outcome = new AttemptOutcome.Failed(failure.recoverable() ? failure
                        : new AttemptFailure(failure.cause(), e.getMessage(), failure.unrecoverable()));
                return new Ran(outcome, teardown(attempt, coordinator, null));
            }
            try {
                outcome = coordinator.outcome().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("attempt " + attempt + " ended without an outcome", e.getCause());
            }
            return new Ran(outcome, teardown(attempt, coordinator, deployment));
        } finally {
            if (outcome == null) {
                // Interrupted, or a bug: stop the attempt here and now.
                awaitGone(teardown(attempt, coordinator, deployment));
            }
        }
    }

    /**
     * Cancels the attempt and stops its workers now; waits for them to be gone in the background,
     * so the next attempt can start meanwhile. The returned future completes once they are (or were
     * killed after {@link #STOP_TIMEOUT}).
     */
    private CompletableFuture<Void> teardown(long attempt, AttemptCoordinator coordinator,
                                             JobDeployer.Deployment deployment) {
        current = null;
        coordinator.cancel();
        CheckpointCoordinator checkpoints = coordinator.checkpoints();
        if (checkpoints != null) {
            synchronized (this) {
                highestIssuedId = Math.max(highestIssuedId, checkpoints.nextCheckpointId() - 1);
            }
        }
        if (deployment != null) {
            deployment.stop();
        }
        CompletableFuture<Void> gone = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                if (deployment != null && !deployment.awaitTermination(STOP_TIMEOUT)) {
                    LOG.error("job {}: workers of attempt {} did not stop within {}", settings.jobName(), attempt,
                            STOP_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                coordinator.close();
                gone.complete(null);
            }
        }, "weir-teardown-" + settings.jobName() + "-a" + attempt);
        waiter.setDaemon(true);
        waiter.start();
        return gone;
    }

    private static void awaitGone(CompletableFuture<Void> gone) throws InterruptedException {
        try {
            gone.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("stopping an attempt failed", e.getCause());
        }
    }

    /** Waits out a restart backoff; true when a stop or cancel request ends the job instead. */
    private boolean awaitStopRequest(long delayMs) throws InterruptedException {
        long deadline = clock.millis() + delayMs;
        synchronized (requests) {
            while (!cancelRequested && !stopRequested) {
                long left = deadline - clock.millis();
                if (left <= 0) {
                    return false;
                }
                requests.wait(left);
            }
            return true;
        }
    }

    /**
     * Lets the storage work queued by the last checkpoints (retention, discards) finish before the
     * caller stops its storage, so a finished job leaves exactly its retained checkpoints behind.
     */
    private void finishHousekeeping() {
        io.shutdown();
        try {
            if (!io.awaitTermination(HOUSEKEEPING_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("job {}: checkpoint housekeeping still running after {} s; leaving it (older checkpoints may remain)",
                        settings.jobName(), HOUSEKEEPING_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ids only grow: above everything storage shows, everything an earlier attempt of this run handed
     * out, and what this attempt restores from.
     */
    private synchronized long firstCheckpointId(AttemptStorage.Start view, RestoreTarget restore) {
        long last = lastCheckpoint == null ? 0 : lastCheckpoint.checkpointId();
        long restored = restore == null ? 0 : restore.checkpointId();
        return Math.max(Math.max(view.highestCheckpointIdSeen(), last), Math.max(highestIssuedId, restored)) + 1;
    }

    /** What every end of a run reports, with its state and failure. */
    private record Ended(long attempts, long restarts, String restoredFrom, long start) {}

    private JobResult result(Ended ended, JobResult.JobState state, String failure, AttemptFailure cause) {
        synchronized (this) {
            return new JobResult(state, ended.attempts(), ended.restarts(), completed, failed, lastCheckpoint,
                    lastSavepoint, ended.restoredFrom(), failure, cause, clock.millis() - ended.start());
        }
    }

    /** Counts the attempts' checkpoints for the result, and passes everything on to the listener. */
    private final class Counting implements AttemptListener {

        @Override
        public void onRunning(dev.weir.runtime.exec.JobTopology topology, long firstCheckpointId) {
            listener.onRunning(topology, firstCheckpointId);
        }

        @Override
        public void onTasksRunning() {
            listener.onTasksRunning();
        }

        @Override
        public void onCheckpointTriggered(long checkpointId, CheckpointType type, long triggerTimestamp) {
            listener.onCheckpointTriggered(checkpointId, type, triggerTimestamp);
        }

        @Override
        public void onCheckpointCompleted(CompletedCheckpointStats stats) {
            synchronized (JobMaster.this) {
                if (stats.type() == CheckpointType.SAVEPOINT) {
                    lastSavepoint = stats;
                } else {
                    completed++;
                    lastCheckpoint = stats;
                }
            }
            restartStrategy.onProgress();
            listener.onCheckpointCompleted(stats);
        }

        @Override
        public void onAttemptFailed(AttemptFailure failure) {
            listener.onAttemptFailed(failure);
        }

        @Override
        public void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {
            if (reason.isFailure()) {
                synchronized (JobMaster.this) {
                    failed++;
                }
            }
            listener.onCheckpointFailed(checkpointId, reason, message);
        }
    }
}
