package dev.weir.coordinator;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.CompletedCheckpointRef;

/**
 * Runs a job to its end: deploys an attempt, drives its checkpoints, and on any task failure
 * restarts every task from the latest completed checkpoint (found in storage, not in memory),
 * after a backoff and within the restart limit. A bounded job ends with a final checkpoint, so
 * transactional sinks commit everything before the tasks exit.
 */
public final class JobMaster {

    private static final Logger LOG = LoggerFactory.getLogger(JobMaster.class);
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(30);

    public record Settings(String jobName, int parallelism, int maxParallelism,
                           CheckpointConfig checkpoint, RestartStrategy.Settings restart) {}

    private static final long HOUSEKEEPING_WAIT_SECONDS = 10;

    private final Settings settings;
    private final CheckpointStorage storage;
    private final JobDeployer deployer;
    private final Clock clock;
    private final JobMasterListener listener;
    private final LinkedBlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    private final ExecutorService io;
    private final RestartStrategy restartStrategy;
    private volatile long currentAttempt;
    private long completed;
    private long failed;
    private CompletedCheckpointStats lastCheckpoint;
    private CompletedCheckpointStats lastSavepoint;
    private volatile CheckpointCoordinator currentCoordinator;
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

    /** Runs until the job finishes, fails for good, or is canceled. */
    public JobResult run(RestoreTarget initialRestore) throws InterruptedException {
        long start = clock.millis();
        RestoreTarget restore = initialRestore;
        String restoredFrom = initialRestore == null ? null : initialRestore.location();
        long attempt = 0;
        long restarts = 0;
        try {
            long attemptsRun = 0;
            while (true) {
                attempt = claimAttempt(attempt);
                attemptsRun++;
                currentAttempt = attempt;
                listener.onAttemptStarted(attempt, restore == null ? null : restore.location());
                AttemptOutcome outcome = runAttempt(attempt, restore);
                if (outcome.state() != JobResult.JobState.FAILED) {
                    return result(outcome.state(), attemptsRun, restarts, restoredFrom, outcome.failure(), start);
                }
                OptionalLong delay = restartStrategy.onFailure(clock.millis());
                if (delay.isEmpty()) {
                    String reason = "restarted " + restartStrategy.restartsInWindow() + " times within "
                            + settings.restart().windowMs() + " ms; last failure: " + outcome.failure();
                    LOG.error("job {} failed: {}", settings.jobName(), reason);
                    return result(JobResult.JobState.FAILED, attemptsRun, restarts, restoredFrom, reason, start);
                }
                listener.onRestarting(attempt + 1, outcome.failure(), delay.getAsLong());
                LOG.info("job {}: attempt {} failed ({}); restarting in {} ms",
                        settings.jobName(), attempt, outcome.failure(), delay.getAsLong());
                if (waitForCancel(delay.getAsLong())) {
                    return result(JobResult.JobState.CANCELED, attemptsRun, restarts, restoredFrom, null, start);
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

    /** Asks the running job to stop (the next attempt is not started). */
    public void cancel() {
        events.add(new JobEvent.Canceled(currentAttempt));
    }

    private record AttemptOutcome(JobResult.JobState state, String failure) {}

    /**
     * Takes a savepoint of the running job (kept until the user deletes it); the job goes on.
     * Fails when no attempt is running or the savepoint is aborted.
     */
    public CompletableFuture<CompletedCheckpointStats> triggerSavepoint() {
        CheckpointCoordinator coordinator = currentCoordinator;
        if (coordinator == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("job " + settings.jobName() + " is not running"));
        }
        return coordinator.triggerCheckpoint(CheckpointType.SAVEPOINT).whenComplete((stats, error) -> {
            if (stats != null) {
                synchronized (this) {
                    lastSavepoint = stats;
                }
            }
        });
    }

    /**
     * Stops the job after a savepoint: {@link #run} returns SUSPENDED with the savepoint to resume
     * from. If the savepoint fails the job is canceled instead (its checkpoints remain).
     */
    public void stopWithSavepoint() {
        events.add(new JobEvent.StopRequested(currentAttempt));
    }

    private AttemptOutcome runAttempt(long attempt, RestoreTarget restore) throws InterruptedException {
        AttemptListener taskListener = new AttemptListener(attempt);
        DeployedJob job;
        try {
            job = deployer.deploy(attempt, restore, taskListener);
        } catch (Exception e) {
            LOG.warn("job {}: deploying attempt {} failed: {}", settings.jobName(), attempt, e.toString());
            return new AttemptOutcome(JobResult.JobState.FAILED, "deployment failed: " + e.getMessage());
        }
        CheckpointCoordinator coordinator = new CheckpointCoordinator(settings.jobName(), settings.parallelism(),
                settings.maxParallelism(), settings.checkpoint(), clock, job.vertices(), job,
                new StorageCompletedCheckpointStore(storage), io, new OutcomeListener(attempt),
                Math.max(nextCheckpointId(), restore == null ? 0 : restore.checkpointId() + 1));
        currentCoordinator = coordinator;
        taskListener.coordinateWith(coordinator);
        CheckpointScheduler scheduler = new CheckpointScheduler(coordinator);
        scheduler.start();
        try {
            return awaitOutcome(attempt, job, coordinator);
        } finally {
            currentCoordinator = null;
            scheduler.stop();
            coordinator.shutdown();
            synchronized (this) {
                highestIssuedId = Math.max(highestIssuedId, coordinator.nextCheckpointId() - 1);
            }
            job.cancel();
            if (!job.awaitTermination(CANCEL_TIMEOUT)) {
                LOG.error("job {}: tasks of attempt {} did not stop within {}", settings.jobName(), attempt, CANCEL_TIMEOUT);
            }
        }
    }

    private AttemptOutcome awaitOutcome(long attempt, DeployedJob job, CheckpointCoordinator coordinator)
            throws InterruptedException {
        Set<ExecutionVertexId> all = job.vertices();
        Set<ExecutionVertexId> ended = new HashSet<>();
        Set<ExecutionVertexId> finished = new HashSet<>();
        while (true) {
            JobEvent event = events.take();
            if (event instanceof JobEvent.Canceled) {
                return new AttemptOutcome(JobResult.JobState.CANCELED, null);
            }
            if (event instanceof JobEvent.StopRequested) {
                triggerSavepoint().whenComplete((stats, error) -> events.add(error == null
                        ? new JobEvent.SavepointCompleted(attempt)
                        : new JobEvent.SavepointFailed(attempt, error)));
                continue;
            }
            if (event.attempt() != attempt) {
                continue;
            }
            if (event instanceof JobEvent.SavepointCompleted) {
                return new AttemptOutcome(JobResult.JobState.SUSPENDED, null);
            }
            if (event instanceof JobEvent.SavepointFailed e) {
                return new AttemptOutcome(JobResult.JobState.CANCELED,
                        "stop with savepoint: the savepoint failed (" + describe(e.cause()) + "); the job was canceled");
            }
            if (event instanceof JobEvent.EndOfData e) {
                ended.add(e.vertex());
                if (ended.equals(all)) {
                    requestFinalCheckpoint(attempt, coordinator);
                }
            } else if (event instanceof JobEvent.FinalCheckpointCompleted) {
                job.finish();
            } else if (event instanceof JobEvent.FinalCheckpointFailed e) {
                LOG.warn("job {}: final checkpoint failed ({}); trying again", settings.jobName(), e.cause().getMessage());
                requestFinalCheckpoint(attempt, coordinator);
            } else if (event instanceof JobEvent.TaskFinished e) {
                finished.add(e.vertex());
                if (finished.equals(all)) {
                    return new AttemptOutcome(JobResult.JobState.FINISHED, null);
                }
            } else if (event instanceof JobEvent.TaskFailed e) {
                coordinator.abortPending(CheckpointFailureReason.JOB_FAILOVER, "task " + e.vertex() + " failed");
                return new AttemptOutcome(JobResult.JobState.FAILED, "task " + e.vertex() + " failed: " + describe(e.cause()));
            } else if (event instanceof JobEvent.ToleranceExceeded e) {
                coordinator.abortPending(CheckpointFailureReason.JOB_FAILOVER, e.reason());
                return new AttemptOutcome(JobResult.JobState.FAILED, e.reason());
            }
        }
    }

    private void requestFinalCheckpoint(long attempt, CheckpointCoordinator coordinator) {
        coordinator.triggerCheckpoint(CheckpointType.CHECKPOINT).whenComplete((stats, error) ->
                events.add(error == null
                        ? new JobEvent.FinalCheckpointCompleted(attempt)
                        : new JobEvent.FinalCheckpointFailed(attempt, error)));
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

    private boolean waitForCancel(long delayMs) throws InterruptedException {
        long deadline = clock.millis() + delayMs;
        while (true) {
            long left = deadline - clock.millis();
            if (left <= 0) {
                return false;
            }
            JobEvent event = events.poll(left, TimeUnit.MILLISECONDS);
            if (event instanceof JobEvent.Canceled) {
                return true;
            }
        }
    }

    private synchronized JobResult result(JobResult.JobState state, long attempts, long restarts, String restoredFrom,
                             String failure, long start) {
        return new JobResult(state, attempts, restarts, completed, failed, lastCheckpoint, lastSavepoint, restoredFrom,
                failure, clock.millis() - start);
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? t.toString() : t.getMessage() + " (caused by " + root + ")";
    }

    /** Routes one attempt's task events; events of older attempts are dropped by the job master. */
    private final class AttemptListener extends AttemptTaskListener {
        private final long attempt;

        AttemptListener(long attempt) {
            this.attempt = attempt;
        }

        @Override
        public void endOfData(ExecutionVertexId vertex) {
            events.add(new JobEvent.EndOfData(attempt, vertex));
        }

        @Override
        public void finished(ExecutionVertexId vertex) {
            events.add(new JobEvent.TaskFinished(attempt, vertex));
        }

        @Override
        public void failed(ExecutionVertexId vertex, Throwable cause) {
            LOG.warn("job {}: task {} of attempt {} failed: {}", settings.jobName(), vertex, attempt, cause.toString());
            events.add(new JobEvent.TaskFailed(attempt, vertex, cause));
        }
    }

    private final class OutcomeListener implements CheckpointOutcomeListener {
        private final long attempt;

        OutcomeListener(long attempt) {
            this.attempt = attempt;
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
            if (reason.countsTowardsTolerableFailures()) {
                synchronized (JobMaster.this) {
                    failed++;
                }
            }
            listener.onCheckpointFailed(checkpointId, reason, message);
        }

        @Override
        public void onTolerableFailuresExceeded(int consecutiveFailures, String lastReason) {
            events.add(new JobEvent.ToleranceExceeded(attempt,
                    consecutiveFailures + " consecutive checkpoint failures; last: " + lastReason));
        }
    }
}
