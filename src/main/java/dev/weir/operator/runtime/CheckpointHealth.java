package dev.weir.operator.runtime;

/**
 * How the checkpoints of a running attempt are going, for the Checkpointing condition.
 *
 * @param runningSinceMillis when every task of the attempt ran and periodic checkpoints started;
 *     0 until then
 * @param consecutiveFailures checkpoint failures in a row that count towards tolerableFailures
 * @param failingForMs how long that run of failures has lasted (from its first checkpoint's trigger)
 * @param lastFailure reason and message of the latest of them; null when there is none
 */
public record CheckpointHealth(long runningSinceMillis, int consecutiveFailures, long failingForMs,
                               String lastFailure) {

    public static final CheckpointHealth NOT_RUNNING = new CheckpointHealth(0, 0, 0, null);

    public boolean running() {
        return runningSinceMillis > 0;
    }
}
