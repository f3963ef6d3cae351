package dev.weir.operator.reconcile;

import java.time.Instant;
import java.util.Objects;

import dev.weir.api.JobPhase;
import dev.weir.coordinator.AttemptFailure;
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
        if (pods.allSucceeded() || observed.runtime().finished()) {
            return new Decision.Finish();
        }
        AttemptFailure reported = observed.runtime().failure();
        if (reported != null && !reported.recoverable()) {
            // The job's own mistake (its class, jar, a setting): restarting would only fail again.
            return new Decision.Fail(ReadyReason.of(reported.unrecoverable()).name(), reported.message());
        }
        String failure = pods.failure();
        if (failure == null && reported != null) {
            failure = reported.describe();
        }
        if (failure != null) {
            return restartOrFail(spec.getRestartPolicy(), status, failure, now);
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

    private static Decision restartOrFail(RestartPolicySpec policy, StreamJobStatus status, String failure, long now) {
        int recent = RestartWindow.recentRestarts(status.getRestartTimes(), policy.getWindowMs(), now).size();
        if (recent >= policy.getMaxRestarts()) {
            return new Decision.Fail(ReadyReason.RestartLimitExceeded.name(), "restarted " + recent + " times within "
                    + policy.getWindowMs() + " ms; last failure: " + failure);
        }
        double backoff = policy.getInitialBackoffMs() * Math.pow(policy.getBackoffMultiplier(), recent);
        long delay = (long) Math.min(policy.getMaxBackoffMs(), backoff);
        return new Decision.Restart(failure, now + delay);
    }
}
