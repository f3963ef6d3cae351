package dev.weir.coordinator;

import java.util.Optional;

/**
 * Counts completed and failed checkpoints and tracks consecutive counted failures. Not
 * thread-safe: guarded by the coordinator's lock.
 */
final class CheckpointStatsTracker {

    private final int tolerableFailures;
    private long completedCount;
    private long failedCount;
    private CompletedCheckpointStats lastCompleted;
    private int consecutiveFailures;
    private boolean exceededReported;

    CheckpointStatsTracker(int tolerableFailures) {
        this.tolerableFailures = tolerableFailures;
    }

    void completed(CompletedCheckpointStats stats) {
        completedCount++;
        lastCompleted = stats;
        consecutiveFailures = 0;
        exceededReported = false;
    }

    /**
     * Every abort counts as failed; only some reasons count towards the tolerance.
     *
     * @return true exactly when this failure is the first of its run to exceed the tolerance, so
     *     the job is failed over once rather than on every further failure
     */
    boolean failed(CheckpointFailureReason reason) {
        failedCount++;
        if (!reason.countsTowardsTolerableFailures()) {
            return false;
        }
        consecutiveFailures++;
        if (consecutiveFailures > tolerableFailures && !exceededReported) {
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

    Optional<CompletedCheckpointStats> lastCompleted() {
        return Optional.ofNullable(lastCompleted);
    }
}
