package dev.weir.runtime.worker.protocol;

import java.util.List;

import dev.weir.runtime.checkpoint.ExecutionVertexId;

/**
 * Worker → coordinator: still alive, and how far it got. {@code timestamp} is the worker's clock
 * and only informative; the coordinator judges silence by its own receive time, since clocks of
 * pods differ. The record counts are this attempt's totals on that worker (for progress).
 * {@code highestCheckpointId} is the highest checkpoint id the worker was triggered with (0: none
 * yet): a coordinator that takes over running workers continues above it, because tasks ignore
 * barriers of ids they have already started. {@code endedVertices} are the worker's tasks that
 * reached the end of their data: an END_OF_DATA event may have gone to a coordinator that is gone
 * since, and the final checkpoint waits for every task's.
 */
public record Heartbeat(long attempt, int worker, long timestamp, long sourceRecords, long sinkRecords,
                        long highestCheckpointId, List<ExecutionVertexId> endedVertices) {

    public Heartbeat {
        endedVertices = endedVertices == null ? List.of() : List.copyOf(endedVertices);
    }

    public Heartbeat(long attempt, int worker, long timestamp) {
        this(attempt, worker, timestamp, 0, 0, 0, List.of());
    }
}
