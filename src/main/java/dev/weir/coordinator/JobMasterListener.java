package dev.weir.coordinator;

/** Progress of a job run, for a console, metrics or a status writer. All methods have defaults. */
public interface JobMasterListener extends AttemptListener {

    default void onAttemptStarted(long attempt, String restoredFrom) {}

    /** Attempt {@code attempt} failed; {@code restarting} tells whether the job restarts after it. */
    default void onAttemptFailed(long attempt, AttemptFailure failure, boolean restarting) {}

    default void onRestarting(long nextAttempt, String cause, long delayMs) {}

    /**
     * Checkpoint storage cannot be read before an attempt; the job waits and tries again in
     * {@code retryInMs}. Called on every try while it lasts.
     */
    default void onStorageUnavailable(String problem, long unavailableForMs, long retryInMs) {}

    /** Storage can be read again after {@code unavailableForMs}; the next attempt starts. */
    default void onStorageAvailable(long unavailableForMs) {}
}
