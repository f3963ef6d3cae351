package dev.weir.operator.reconcile;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import dev.weir.api.JobPhase;
import dev.weir.coordinator.AttemptFailure;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.api.RestartPolicySpec;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;
import dev.weir.api.StreamJobStatus;

/**
 * Decides what to do from what was observed, the validated spec and the last status. Pure: no I/O,
 * the time comes in. Everything it needs to remember between reconciles is in status (attempt,
 * restart times, nonces) or on the pods (the spec hash they run), never in memory, so a restarted
 * operator decides exactly as the old one would have.
 */
public final class ReconcileDecider {

    /** How often to look again while waiting for workers or a savepoint. */
    static final long SHORT_RECHECK_MS = 1_000;

    private ReconcileDecider() {
    }

    public static Decision decide(StreamJob job, Observation observed, SpecValidation.Result validation, long now) {
        StreamJobSpec spec = job.getSpec();
        StreamJobStatus status = job.getStatus();
        JobPhase phase = status.getPhase() == null ? JobPhase.Pending : status.getPhase();
        boolean suspend = StreamJobSpec.STATE_SUSPENDED.equals(spec.getState());
        boolean specChangedSinceStatus = !Objects.equals(status.getObservedGeneration(), job.getMetadata().getGeneration());

        if (phase == JobPhase.Finished) {
            return new Decision.Wait(JobPhase.Finished, ReadyReason.Finished.name(), "all tasks finished", 0);
        }
        if (phase == JobPhase.Failed && !specChangedSinceStatus) {
            return new Decision.Wait(JobPhase.Failed, null, null, 0);
        }
        if (!validation.valid()) {
            boolean live = status.getAttempt() > 0 && !observed.pods().none();
            return new Decision.Wait(live ? phase : JobPhase.Pending, validation.reason().name(), validation.message(), 0);
        }
        switch (phase) {
            case Pending:
                return suspend ? new Decision.Wait(JobPhase.Suspended, ReadyReason.Suspended.name(),
                        "spec.state is suspended", 0)
                        : new Decision.Deploy(status.getAttempt() + 1, RestoreSource.LATEST, JobPhase.Deploying,
                        ReadyReason.Deploying.name());
            case Failed:
                // The user changed the spec of a failed job: try again, from its latest checkpoint.
                return new Decision.Deploy(status.getAttempt() + 1, RestoreSource.LATEST, JobPhase.Deploying,
                        ReadyReason.Deploying.name());
            case Suspended:
                return suspend ? new Decision.Wait(JobPhase.Suspended, ReadyReason.Suspended.name(),
                        "spec.state is suspended", 0)
                        : new Decision.Deploy(status.getAttempt() + 1, RestoreSource.LAST_SAVEPOINT, JobPhase.Deploying,
                        ReadyReason.Deploying.name());
            case Restarting:
                if (observed.pods().none()) {
                    return waitingToRestart(status, suspend, now);
                }
                return live(job, observed, suspend, now);
            default:
                return live(job, observed, suspend, now);
        }
    }

    private static Decision waitingToRestart(StreamJobStatus status, boolean suspend, long now) {
        if (suspend) {
            return new Decision.Suspend();
        }
        long restartAt = status.getRestartAt() == null ? now : Instant.parse(status.getRestartAt()).toEpochMilli();
        if (now >= restartAt) {
            return new Decision.Deploy(status.getAttempt() + 1, RestoreSource.LATEST, JobPhase.Restarting,
                    ReadyReason.Restarting.name());
        }
        return new Decision.Wait(JobPhase.Restarting, ReadyReason.Restarting.name(),
                "restarting at " + status.getRestartAt(), restartAt - now);
    }

    /** The current attempt should be running (Deploying, Running, Upgrading, or Restarting with pods). */
    private static Decision live(StreamJob job, Observation observed, boolean suspend, long now) {
        StreamJobSpec spec = job.getSpec();
        StreamJobStatus status = job.getStatus();
        WorkerPods pods = observed.pods();
        AttemptFailure reported = observed.runtime().failure();
        if (reported != null && !reported.recoverable()) {
            // The job's own mistake (its class, jar, a setting): restarting would only fail again.
            return new Decision.Fail(ReadyReason.of(reported.unrecoverable()).name(), reported.message());
        }
        // Workers exit 0 when canceled too: succeeded pods mean "finished" only when no coordinator saw
        // the attempt fail, i.e. its coordinator said so, or none hosted it (the job ended while the
        // operator was away).
        if (reported == null && (observed.runtime().finished() || (!observed.runtime().hosted() && pods.allSucceeded()))) {
            return new Decision.Finish();
        }
        String failure = reported != null ? reported.describe() : pods.failure();
        if (failure != null) {
            return restartOrFail(spec.getRestartPolicy(), status, lastProgress(status, observed), failure, now);
        }
        boolean allRunning = observed.runtime().hosted()
                && observed.runtime().registeredWorkers() == pods.expected() && pods.running() == pods.expected();
        if (suspend) {
            return allRunning ? new Decision.Savepoint("suspend-" + status.getAttempt(), Decision.AfterSavepoint.SUSPEND)
                    : new Decision.Suspend();
        }
        String deployed = pods.specHash();
        if (deployed != null && !deployed.equals(observed.currentSpecHash())) {
            return upgrade(spec.getUpgradeMode(), status, observed.currentSpecHash(), allRunning);
        }
        if (spec.getRestartNonce() != status.getObservedRestartNonce()) {
            return new Decision.Redeploy(RestoreSource.LATEST, JobPhase.Restarting, "RestartRequested");
        }
        if (allRunning && spec.getSavepointNonce() != status.getObservedSavepointNonce()) {
            return new Decision.Savepoint("nonce-" + spec.getSavepointNonce(), Decision.AfterSavepoint.RECORD);
        }
        return new Decision.Run();
    }

    private static Decision upgrade(String mode, StreamJobStatus status, String newHash, boolean allRunning) {
        if (StreamJobSpec.UPGRADE_STATELESS.equals(mode)) {
            return new Decision.Redeploy(RestoreSource.NONE, JobPhase.Upgrading, ReadyReason.Upgrading.name());
        }
        if (StreamJobSpec.UPGRADE_LAST_STATE.equals(mode) || !allRunning) {
            // A savepoint needs every worker up; an attempt still starting has nothing newer than its checkpoints.
            return new Decision.Redeploy(RestoreSource.LATEST, JobPhase.Upgrading, ReadyReason.Upgrading.name());
        }
        return new Decision.Savepoint("upgrade-" + status.getAttempt() + "-" + newHash, Decision.AfterSavepoint.UPGRADE);
    }

    /** When the job last completed a checkpoint, as status remembers it or its coordinator just saw; MIN_VALUE: never. */
    private static long lastProgress(StreamJobStatus status, Observation observed) {
        long progress = status.getLastCheckpoint() == null || status.getLastCheckpoint().getTime() == null
                ? Long.MIN_VALUE : Instant.parse(status.getLastCheckpoint().getTime()).toEpochMilli();
        return observed.runtime().lastCheckpoint() == null ? progress
                : Math.max(progress, observed.runtime().lastCheckpoint().completedAtMillis());
    }

    private static Decision restartOrFail(RestartPolicySpec policy, StreamJobStatus status, long lastProgress,
                                          String failure, long now) {
        List<String> recent = RestartWindow.recentRestarts(status.getRestartTimes(), policy.getWindowMs(), now);
        if (recent.size() >= policy.getMaxRestarts()) {
            return new Decision.Fail(ReadyReason.RestartLimitExceeded.name(), "restarted " + recent.size()
                    + " times within " + policy.getWindowMs() + " ms; last failure: " + failure);
        }
        // Restarts since the last completed checkpoint: none (it made progress) restarts at once.
        int withoutProgress = (int) recent.stream().filter(t -> Instant.parse(t).toEpochMilli() >= lastProgress).count();
        return new Decision.Restart(failure, now + RestartStrategy.Settings.of(policy).delayMs(withoutProgress));
    }
}
