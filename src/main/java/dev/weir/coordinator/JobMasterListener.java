package dev.weir.coordinator;

/** Progress of a job run, for a console, metrics or a status writer. All methods have defaults. */
public interface JobMasterListener extends AttemptListener {

    default void onAttemptStarted(long attempt, String restoredFrom) {}

    default void onRestarting(long nextAttempt, String cause, long delayMs) {}
}
