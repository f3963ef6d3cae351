package dev.weir.runtime.checkpoint;

/**
 * Checkpoint settings shared by the coordinator and the tasks.
 *
 * @param intervalMs time between checkpoint triggers; 0 disables periodic checkpoints
 * @param timeoutMs a checkpoint not complete after this long is aborted
 * @param minPauseMs least time between the end of one checkpoint and the start of the next
 * @param retained how many completed checkpoints to keep in storage
 * @param tolerableFailures consecutive failed checkpoints tolerated before the job fails over
 * @param stallTimeoutMs a checkpoint that gets no acknowledgement for this long is aborted as
 *     stalled and the next one triggered; each consecutive stall doubles it, up to the timeout; 0:
 *     no such guard, only the timeout
 * @param tolerableFailureMs how long consecutive checkpoint failures are tolerated, from the trigger
 *     of the first of them: the job fails over once both this and {@code tolerableFailures} are
 *     exceeded, so short outages do not cost a restart however short the interval; 0: the count alone
 */
public record CheckpointConfig(
        long intervalMs,
        long timeoutMs,
        long minPauseMs,
        CheckpointingMode mode,
        int retained,
        int tolerableFailures,
        long stallTimeoutMs,
        long tolerableFailureMs) {

    public static final long DEFAULT_STALL_TIMEOUT_MS = 10_000;

    public static final CheckpointConfig DEFAULT =
            new CheckpointConfig(1_000, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3);

    public CheckpointConfig {
        if (intervalMs < 0 || timeoutMs <= 0 || minPauseMs < 0 || retained < 1 || tolerableFailures < 0
                || stallTimeoutMs < 0 || tolerableFailureMs < 0) {
            throw new IllegalArgumentException("invalid checkpoint config: " + this);
        }
    }

    /** With the default stall timeout; failures tolerated by count alone. */
    public CheckpointConfig(long intervalMs, long timeoutMs, long minPauseMs, CheckpointingMode mode, int retained,
                            int tolerableFailures) {
        this(intervalMs, timeoutMs, minPauseMs, mode, retained, tolerableFailures, DEFAULT_STALL_TIMEOUT_MS);
    }

    /** Failures tolerated by count alone, as Flink's {@code tolerable-failed-checkpoints}. */
    public CheckpointConfig(long intervalMs, long timeoutMs, long minPauseMs, CheckpointingMode mode, int retained,
                            int tolerableFailures, long stallTimeoutMs) {
        this(intervalMs, timeoutMs, minPauseMs, mode, retained, tolerableFailures, stallTimeoutMs, 0);
    }

    public boolean periodic() {
        return intervalMs > 0;
    }
}
