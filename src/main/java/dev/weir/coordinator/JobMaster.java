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
 * backoff and within the restart limit, unless the failure is one no restart can heal.
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
        try {
            while (true) {
                attempt = claimAttempt(attempt);
                attemptsRun++;
                listener.onAttemptStarted(attempt, restore == null ? null : restore.location());
                AttemptOutcome outcome = runAttempt(attempt, restore);
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
                Optional<CompletedCheckpointRef> latest = latestCompleted();
                // Never go back behind what this run restored from (a savepoint is not in checkpoints/).
                if (latest.isPresent() && (restore == null || latest.get().id() > restore.checkpointId())) {
                    restore = new RestoreTarget(latest.get().location(), latest.get().metadata());
                }
                if (restore != null) {
                    restoredFrom = restore.location();
                }
            }
        } finally {
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

    private AttemptOutcome runAttempt(long attempt, RestoreTarget restore) throws InterruptedException {
        JobDeployer.Workers workers = deployer.workers();
        long firstId = Math.max(nextCheckpointId(), restore == null ? 1 : restore.checkpointId() + 1);
        AttemptCoordinator coordinator = new AttemptCoordinator(new AttemptCoordinator.Settings(settings.jobName(),
                attempt, settings.parallelism(), settings.maxParallelism(), workers.count(), settings.checkpoint(),
                workers.heartbeatTimeout(), workers.registrationTimeout(), firstId),
                new StorageCompletedCheckpointStore(storage), io, clock, workers.gateways(), new Counting());
        current = coordinator;
        synchronized (requests) {
            if (cancelRequested) {
                coordinator.cancel();
            } else if (stopRequested) {
                coordinator.stopWithSavepoint();
            }
        }
        JobDeployer.Deployment deployment = null;
        try {
            try {
                deployment = deployer.deploy(attempt, restore, coordinator);
            } catch (Exception e) {
                LOG.warn("job {}: deploying attempt {} failed: {}", settings.jobName(), attempt, e.toString());
                AttemptFailure failure = AttemptFailure.of(AttemptFailure.Cause.DeploymentFailed,
                        "deployment failed: " + e.getMessage(), e);
                return new AttemptOutcome.Failed(failure.recoverable() ? failure
                        : new AttemptFailure(failure.cause(), e.getMessage(), failure.unrecoverable()));
            }
            try {
                return coordinator.outcome().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("attempt " + attempt + " ended without an outcome", e.getCause());
            }
        } finally {
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
                if (!deployment.awaitTermination(STOP_TIMEOUT)) {
                    LOG.error("job {}: workers of attempt {} did not stop within {}", settings.jobName(), attempt,
                            STOP_TIMEOUT);
                }
            }
            coordinator.close();
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

    /** Attempt numbers grow across processes too (see CheckpointStorage#claimNextAttempt). */
    private long claimAttempt(long previous) {
        try {
            return Math.max(previous + 1, storage.claimNextAttempt());
        } catch (IOException e) {
            LOG.warn("job {}: cannot record the attempt in checkpoint storage ({}); numbering continues in memory",
                    settings.jobName(), e.toString());
            return previous + 1;
        }
    }

    private synchronized long nextCheckpointId() {
        try {
            long seen = storage.highestCheckpointIdSeen();
            long last = lastCheckpoint == null ? 0 : lastCheckpoint.checkpointId();
            return Math.max(Math.max(seen, last), highestIssuedId) + 1;
        } catch (IOException e) {
            // Ids must only grow: without knowing what storage holds, jump far past anything in memory.
            LOG.warn("job {}: cannot list checkpoint storage ({}); ids continue from memory", settings.jobName(), e.toString());
            return Math.max(lastCheckpoint == null ? 0 : lastCheckpoint.checkpointId(), highestIssuedId) + 1_000;
        }
    }

    private Optional<CompletedCheckpointRef> latestCompleted() {
        try {
            return storage.findLatestCompleted();
        } catch (IOException e) {
            LOG.warn("job {}: cannot read checkpoint storage: {}", settings.jobName(), e.toString());
            return Optional.empty();
        }
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
