package dev.weir.runtime.worker.protocol;

/**
 * Worker → coordinator: still alive, and how far it got. {@code timestamp} is the worker's clock
 * and only informative; the coordinator judges silence by its own receive time, since clocks of
 * pods differ. The record counts are this attempt's totals on that worker (for progress).
 * {@code highestCheckpointId} is the highest checkpoint id the worker was triggered with (0: none
 * yet): a coordinator that takes over running workers continues above it, because tasks ignore
 * barriers of ids they have already started.
 */
public record Heartbeat(long attempt, int worker, long timestamp, long sourceRecords, long sinkRecords,
                        long highestCheckpointId) {

    public Heartbeat(long attempt, int worker, long timestamp) {
        this(attempt, worker, timestamp, 0, 0, 0);
    }
}
