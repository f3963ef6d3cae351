package dev.weir.runtime.checkpoint;

/**
 * Checkpoint settings shared by the coordinator and the tasks.
 *
 * @param intervalMs time between checkpoint triggers; 0 disables periodic checkpoints
 * @param timeoutMs a checkpoint not complete after this long is aborted
 * @param minPauseMs least time between the end of one checkpoint and the start of the next
 * @param retained how many completed checkpoints to keep in storage
 * @param tolerableFailures consecutive failed checkpoints tolerated before the job fails over
 */
public record CheckpointConfig(
        long intervalMs,
        long timeoutMs,
        long minPauseMs,
        CheckpointingMode mode,
        int retained,
        int tolerableFailures) {

    public static final CheckpointConfig DEFAULT =
            new CheckpointConfig(1_000, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3);

    public CheckpointConfig {
        if (intervalMs < 0 || timeoutMs <= 0 || minPauseMs < 0 || retained < 1 || tolerableFailures < 0) {
            throw new IllegalArgumentException("invalid checkpoint config: " + this);
        }
    }

    public boolean periodic() {
        return intervalMs > 0;
    }
}
