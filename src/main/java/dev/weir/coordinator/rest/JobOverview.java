package dev.weir.coordinator.rest;

import java.util.List;

/**
 * Everything a page showing one running job polls, in one call ({@code GET /v1/jobs/{job}}): its
 * state, the graph with live rates and back-pressure, the checkpoint counts with the latest ones,
 * and the exceptions of failed attempts (newest first). Field names are the API: they only grow.
 *
 * @param state {@code CREATED}, {@code RUNNING}, {@code RESTARTING}, {@code FINISHED}, {@code SUSPENDED},
 *     {@code CANCELED} or {@code FAILED}
 * @param graph null until every worker of the first attempt registered the graph it built
 */
public record JobOverview(String name, String state, long attempt, long restarts, long startTime, long uptimeMs,
                          Graph graph, CheckpointCounts checkpoints, List<JobException> exceptions) {

    /** The job graph: tasks with their figures, and the network edges between them. */
    public record Graph(int parallelism, int maxParallelism, List<VertexView> vertices, List<Edge> edges) {}

    /** {@code partitioning} is {@code key-by} or {@code rebalance}. */
    public record Edge(String from, String to, String partitioning) {}

    /**
     * @param latestCompleted the latest completed checkpoint (not savepoint); null if none
     * @param latestSavepoint the latest completed savepoint; null if none
     * @param latestFailed the latest failed checkpoint or savepoint; null if none
     */
    public record CheckpointCounts(long completed, long failed, long inProgress, CheckpointEntry latestCompleted,
                                   CheckpointEntry latestSavepoint, CheckpointEntry latestFailed) {}

    /** One line of {@code GET /v1/jobs}. */
    public record Summary(String name, String state, long attempt, long restarts, long startTime, long uptimeMs) {}

    public Summary summary() {
        return new Summary(name, state, attempt, restarts, startTime, uptimeMs);
    }
}
