package dev.weir.coordinator;

/** Progress of a job run, for a console, metrics or a status writer. All methods have defaults. */
public interface JobMasterListener extends AttemptListener {

    default void onAttemptStarted(long attempt, String restoredFrom) {}

    /** Attempt {@code attempt} failed; {@code restarting} tells whether the job restarts after it. */
    default void onAttemptFailed(long attempt, AttemptFailure failure, boolean restarting) {}

    default void onRestarting(long nextAttempt, String cause, long delayMs) {}
}
