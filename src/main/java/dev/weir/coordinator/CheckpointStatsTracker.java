package dev.weir.coordinator;

import java.util.Optional;

/**
 * Counts completed and failed checkpoints and tracks the run of consecutive counted failures: how
 * many, and since when (the trigger of its first checkpoint). Not thread-safe: guarded by the
 * coordinator's lock.
 */
final class CheckpointStatsTracker {

    private final int tolerableFailures;
    private final long tolerableFailureMs;
    private long completedCount;
    private long failedCount;
    private CompletedCheckpointStats lastCompleted;
    private int consecutiveFailures;
    private long failingSince;
    private String lastFailure;
    private boolean exceededReported;

    CheckpointStatsTracker(int tolerableFailures, long tolerableFailureMs) {
        this.tolerableFailures = tolerableFailures;
        this.tolerableFailureMs = tolerableFailureMs;
    }

    void completed(CompletedCheckpointStats stats) {
        completedCount++;
        lastCompleted = stats;
        consecutiveFailures = 0;
        lastFailure = null;
        exceededReported = false;
    }

    /**
     * Every abort counts as failed; only some reasons count towards the tolerance, which is exceeded
     * once the run has both more failures than {@code tolerableFailures} and lasted
     * {@code tolerableFailureMs}.
     *
     * @param triggerTimestamp when the failed checkpoint was triggered
     * @return true exactly when this failure is the first of its run to exceed the tolerance, so
     *     the job is failed over once rather than on every further failure
     */
    boolean failed(CheckpointFailureReason reason, String message, long triggerTimestamp, long now) {
        failedCount++;
        if (!reason.countsTowardsTolerableFailures()) {
            return false;
        }
        lastFailure = reason + ": " + message;
        if (consecutiveFailures++ == 0) {
            failingSince = triggerTimestamp;
        }
        if (consecutiveFailures > tolerableFailures && failingForMs(now) >= tolerableFailureMs && !exceededReported) {
            exceededReported = true;
            return true;
        }
        return false;
    }

    long completedCount() {
        return completedCount;
    }

    long failedCount() {
        return failedCount;
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** How long the current run of counted failures has lasted; 0 when there is none. */
    long failingForMs(long now) {
        return consecutiveFailures == 0 ? 0 : Math.max(0, now - failingSince);
    }

    /** The reason and message of the latest counted failure of the current run; null when there is no run. */
    String lastFailure() {
        return consecutiveFailures == 0 ? null : lastFailure;
    }

    Optional<CompletedCheckpointStats> lastCompleted() {
        return Optional.ofNullable(lastCompleted);
    }
}
