package dev.weir.coordinator;

/** How a job run ended, for the summary line and status. */
public record JobResult(
        JobState state,
        long attempts,
        long restarts,
        long checkpointsCompleted,
        long checkpointsFailed,
        CompletedCheckpointStats lastCheckpoint,
        CompletedCheckpointStats lastSavepoint,
        String restoredFrom,
        String failure,
        long durationMs) {

    public enum JobState {
        FINISHED,
        FAILED,
        CANCELED,
        /** Stopped after a savepoint; resume from {@link JobResult#lastSavepoint()}. */
        SUSPENDED
    }
}
