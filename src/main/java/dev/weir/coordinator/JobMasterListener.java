package dev.weir.coordinator;

/** Progress of a job run, for a console, metrics or a status writer. All methods have defaults. */
public interface JobMasterListener {

    default void onAttemptStarted(long attempt, String restoredFrom) {}

    default void onCheckpointCompleted(CompletedCheckpointStats stats) {}

    default void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {}

    default void onRestarting(long nextAttempt, String cause, long delayMs) {}
}
