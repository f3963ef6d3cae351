package dev.weir.runtime.worker.protocol;

import java.util.List;

import dev.weir.runtime.checkpoint.ExecutionVertexId;

/**
 * Worker → coordinator: still alive, and how far it got. {@code timestamp} is the worker's clock
 * and only informative; the coordinator judges silence by its own receive time, since clocks of
 * pods differ. The record counts are this attempt's totals on that worker (for progress).
 * {@code highestCheckpointId} is the highest checkpoint id the worker was triggered with (0: none
 * yet): a coordinator that takes over running workers continues above it, because tasks ignore
 * barriers of ids they have already started. {@code runningVertices} are the worker's tasks that
 * restored their state and run (periodic checkpoints start once every task runs), and
 * {@code endedVertices} those that reached the end of their data (the final checkpoint waits for
 * every task's): the RUNNING and END_OF_DATA events may have gone to a coordinator that is gone
 * since. {@code subtaskMetrics} are the totals each running subtask of the worker measured (records,
 * idle and back-pressured time): what the coordinator's REST API and metrics show per subtask.
 */
public record Heartbeat(long attempt, int worker, long timestamp, long sourceRecords, long sinkRecords,
                        long highestCheckpointId, List<ExecutionVertexId> runningVertices,
                        List<ExecutionVertexId> endedVertices, List<SubtaskMetricsReport> subtaskMetrics) {

    public Heartbeat {
        runningVertices = runningVertices == null ? List.of() : List.copyOf(runningVertices);
        endedVertices = endedVertices == null ? List.of() : List.copyOf(endedVertices);
        subtaskMetrics = subtaskMetrics == null ? List.of() : List.copyOf(subtaskMetrics);
    }

    /** A heartbeat without subtask measurements. */
    public Heartbeat(long attempt, int worker, long timestamp, long sourceRecords, long sinkRecords,
                     long highestCheckpointId, List<ExecutionVertexId> runningVertices,
                     List<ExecutionVertexId> endedVertices) {
        this(attempt, worker, timestamp, sourceRecords, sinkRecords, highestCheckpointId, runningVertices,
                endedVertices, List.of());
    }

    /** A worker whose tasks do not run yet. */
    public Heartbeat(long attempt, int worker, long timestamp) {
        this(attempt, worker, timestamp, 0, 0, 0, List.of(), List.of(), List.of());
    }
}
