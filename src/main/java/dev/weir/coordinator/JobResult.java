package dev.weir.coordinator;

/**
 * How a job run ended, for the summary line and status.
 *
 * @param failure what made the job fail or stop, as a user reads it; null when it finished
 * @param cause the last attempt's failure; null unless the job failed. When it is unrecoverable the
 *     job failed without restarting
 */
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
        AttemptFailure cause,
        long durationMs) {

    public enum JobState {
        FINISHED,
        FAILED,
        CANCELED,
        /** Stopped after a savepoint; resume from {@link JobResult#lastSavepoint()}. */
        SUSPENDED
    }
}
