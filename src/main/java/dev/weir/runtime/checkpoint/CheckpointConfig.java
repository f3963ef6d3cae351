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
 * @param unaligned whether checkpoints (never savepoints) may let barriers overtake in-flight records,
 *     persisting them as channel state; exactly-once only
 * @param alignedTimeoutMs with {@code unaligned}: 0 starts every checkpoint unaligned; otherwise a
 *     checkpoint starts aligned and turns unaligned where alignment is still going on this long
 *     after its trigger
 */
public record CheckpointConfig(
        long intervalMs,
        long timeoutMs,
        long minPauseMs,
        CheckpointingMode mode,
        int retained,
        int tolerableFailures,
        long stallTimeoutMs,
        long tolerableFailureMs,
        boolean unaligned,
        long alignedTimeoutMs) {

    public static final long DEFAULT_STALL_TIMEOUT_MS = 10_000;

    public static final CheckpointConfig DEFAULT =
            new CheckpointConfig(1_000, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3);

    public CheckpointConfig {
        if (intervalMs < 0 || timeoutMs <= 0 || minPauseMs < 0 || retained < 1 || tolerableFailures < 0
                || stallTimeoutMs < 0 || tolerableFailureMs < 0 || alignedTimeoutMs < 0) {
            throw new IllegalArgumentException("invalid checkpoint config: " + this);
        }
        if (unaligned && mode != CheckpointingMode.EXACTLY_ONCE) {
            throw new IllegalArgumentException("unaligned checkpoints need exactly-once mode: " + this);
        }
    }

    /** Aligned checkpoints; failures tolerated by count alone, as Flink's {@code tolerable-failed-checkpoints}. */
    public CheckpointConfig(long intervalMs, long timeoutMs, long minPauseMs, CheckpointingMode mode, int retained,
                            int tolerableFailures, long stallTimeoutMs) {
        this(intervalMs, timeoutMs, minPauseMs, mode, retained, tolerableFailures, stallTimeoutMs, 0, false, 0);
    }

    /** Aligned checkpoints with the default stall timeout; failures tolerated by count alone. */
    public CheckpointConfig(long intervalMs, long timeoutMs, long minPauseMs, CheckpointingMode mode, int retained,
                            int tolerableFailures) {
        this(intervalMs, timeoutMs, minPauseMs, mode, retained, tolerableFailures, DEFAULT_STALL_TIMEOUT_MS);
    }

    /** The same settings with unaligned checkpoints (see {@code alignedTimeoutMs}). */
    public CheckpointConfig withUnaligned(long alignedTimeoutMs) {
        return new CheckpointConfig(intervalMs, timeoutMs, minPauseMs, mode, retained, tolerableFailures,
                stallTimeoutMs, tolerableFailureMs, true, alignedTimeoutMs);
    }

    public boolean periodic() {
        return intervalMs > 0;
    }

    /** The barrier the sources inject for a checkpoint of this type: savepoints always stay aligned. */
    public CheckpointBarrier barrier(long checkpointId, long timestamp, CheckpointType type) {
        if (!unaligned || type == CheckpointType.SAVEPOINT) {
            return new CheckpointBarrier(checkpointId, timestamp, type);
        }
        return alignedTimeoutMs == 0
                ? new CheckpointBarrier(checkpointId, timestamp, type, AlignmentType.UNALIGNED, CheckpointBarrier.NO_TIMEOUT)
                : new CheckpointBarrier(checkpointId, timestamp, type, AlignmentType.ALIGNED, alignedTimeoutMs);
    }
}
