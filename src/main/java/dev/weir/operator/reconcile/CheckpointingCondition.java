package dev.weir.operator.reconcile;

import java.time.Instant;

import dev.weir.api.CheckpointingSpec;
import dev.weir.operator.runtime.AttemptView;
import dev.weir.operator.runtime.CheckpointHealth;
import dev.weir.operator.runtime.SnapshotInfo;

/**
 * Judges the Checkpointing condition from what the attempt's coordinator reports. Pure: the time
 * comes in. Failing beats stalled: a failure has a cause to show, a stall only a duration.
 */
final class CheckpointingCondition {

    /**
     * Consecutive counted failures before the condition turns False: one failed checkpoint followed
     * by a completed one is ordinary noise; two in a row are a trend. A tolerance below that (Flink's
     * 0: fail over on the first failure) lowers it, so the condition is False before the failover.
     */
    static final int FAILURES_BEFORE_FALSE = 2;
    /** Intervals without a completed checkpoint before it counts as stalled (when longer than the timeout). */
    static final int STALLED_AFTER_INTERVALS = 3;

    record Judgement(CheckpointingReason reason, String message) {}

    private CheckpointingCondition() {
    }

    /** @param attemptRuns whether this reconcile keeps the observed attempt running */
    static Judgement judge(CheckpointingSpec spec, AttemptView view, boolean attemptRuns, long now) {
        CheckpointHealth health = view.checkpoints();
        if (!attemptRuns || !view.hosted() || health == null || !health.running()) {
            return new Judgement(CheckpointingReason.JobNotRunning, "no attempt of the job is running");
        }
        int threshold = Math.max(1, Math.min(FAILURES_BEFORE_FALSE, spec.getTolerableFailures() + 1));
        if (health.consecutiveFailures() >= threshold) {
            return new Judgement(CheckpointingReason.CheckpointsFailing, health.consecutiveFailures()
                    + " consecutive checkpoints failed over " + health.failingForMs() + " ms (the job fails over past "
                    + spec.getTolerableFailures() + " failures and " + spec.getTolerableFailureMs() + " ms); last: "
                    + health.lastFailure());
        }
        SnapshotInfo last = view.lastCheckpoint();
        long since = Math.max(health.runningSinceMillis(), last == null ? 0 : last.completedAtMillis());
        long limit = stallLimitMs(spec);
        if (limit > 0 && now - since > limit) {
            return new Judgement(CheckpointingReason.CheckpointStalled, "no checkpoint completed for " + (now - since)
                    + " ms" + (last == null ? " since the attempt started" : " since checkpoint " + last.id())
                    + " (limit " + limit + " ms: the larger of " + STALLED_AFTER_INTERVALS
                    + " × intervalMs and timeoutMs)");
        }
        if (last == null) {
            return new Judgement(CheckpointingReason.AwaitingFirstCheckpoint,
                    "no checkpoint of this attempt has completed yet");
        }
        return new Judgement(CheckpointingReason.CheckpointCompleted, "checkpoint " + last.id() + " completed at "
                + Instant.ofEpochMilli(last.completedAtMillis()));
    }

    /** 0 when periodic checkpoints are off: then nothing is expected to complete. */
    static long stallLimitMs(CheckpointingSpec spec) {
        if (spec.getIntervalMs() <= 0) {
            return 0;
        }
        return Math.max(STALLED_AFTER_INTERVALS * spec.getIntervalMs(), spec.getTimeoutMs());
    }
}
