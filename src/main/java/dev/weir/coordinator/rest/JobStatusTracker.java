package dev.weir.coordinator.rest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.weir.coordinator.AttemptFailure;
import dev.weir.coordinator.CheckpointFailureReason;
import dev.weir.coordinator.Clock;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.metrics.SubtaskMetrics;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.exec.JobTopology;

/**
 * What the REST API tells of one job run, learnt as the run goes (it listens to the job master):
 * the state, attempt and restarts, the graph the workers agreed on, the latest checkpoints and
 * savepoints, and the failures. Called on the attempts' threads and read by the HTTP server's, so
 * every method holds the tracker's lock, briefly.
 */
public final class JobStatusTracker implements JobMasterListener {

    /** Checkpoints and savepoints kept in the history, newest first. */
    static final int HISTORY = 50;
    static final int EXCEPTIONS = 20;

    private final String jobName;
    private final Clock clock;
    private final long startTime;
    private final Map<Long, CheckpointEntry> history = new LinkedHashMap<>();
    private final Deque<JobException> exceptions = new ArrayDeque<>();
    private String state = "CREATED";
    private long attempt;
    private long restarts;
    private JobTopology topology;
    private long completed;
    private long failed;
    private CheckpointEntry latestCompleted;
    private CheckpointEntry latestSavepoint;
    private CheckpointEntry latestFailed;
    private Long endTime;

    public JobStatusTracker(String jobName, Clock clock) {
        this.jobName = jobName;
        this.clock = clock;
        this.startTime = clock.millis();
    }

    public String jobName() {
        return jobName;
    }

    @Override
    public synchronized void onAttemptStarted(long attempt, String restoredFrom) {
        this.attempt = attempt;
        if (!"RESTARTING".equals(state) && !"CREATED".equals(state)) {
            return;
        }
        // Running once the workers registered; until then the attempt is being deployed.
        state = "CREATED".equals(state) ? "CREATED" : "RESTARTING";
    }

    @Override
    public synchronized void onAttemptFailed(long failedAttempt, AttemptFailure failure, boolean restarting) {
        exceptions.addFirst(new JobException(clock.millis(), failedAttempt, failure.cause().name(), failure.message(),
                restarting));
        while (exceptions.size() > EXCEPTIONS) {
            exceptions.removeLast();
        }
    }

    @Override
    public synchronized void onRestarting(long nextAttempt, String cause, long delayMs) {
        state = "RESTARTING";
        restarts++;
    }

    @Override
    public synchronized void onRunning(JobTopology agreed, long firstCheckpointId) {
        topology = agreed;
        state = "RUNNING";
    }

    @Override
    public synchronized void onCheckpointTriggered(long checkpointId, CheckpointType type, long triggerTimestamp) {
        history.put(checkpointId, CheckpointEntry.inProgress(checkpointId, type.name(), attempt, triggerTimestamp));
        while (history.size() > HISTORY) {
            history.remove(history.keySet().iterator().next());
        }
    }

    @Override
    public synchronized void onCheckpointCompleted(CompletedCheckpointStats stats) {
        CheckpointEntry known = history.get(stats.checkpointId());
        CheckpointEntry entry = (known != null ? known : CheckpointEntry.inProgress(stats.checkpointId(),
                stats.type().name(), attempt, stats.triggerTimestamp())).completed(stats);
        history.put(stats.checkpointId(), entry);
        if (stats.type() == CheckpointType.SAVEPOINT) {
            latestSavepoint = entry;
        } else {
            completed++;
            latestCompleted = entry;
        }
    }

    @Override
    public synchronized void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {
        CheckpointEntry known = history.get(checkpointId);
        if (known == null) {
            known = CheckpointEntry.inProgress(checkpointId, CheckpointType.CHECKPOINT.name(), attempt, clock.millis());
        }
        CheckpointEntry entry = known.failed(reason.name(), message, clock.millis());
        history.put(checkpointId, entry);
        latestFailed = entry;
        failed++;
    }

    /** The run ended: its final state stays on show while the coordinator still serves. */
    public synchronized void ended(JobResult result) {
        state = result.state().name();
        endTime = clock.millis();
    }

    /** The job now, with {@code subtasks} (the current attempt's heartbeats) on its graph's vertices. */
    public synchronized JobOverview overview(List<SubtaskMetrics> subtasks) {
        long now = endTime != null ? endTime : clock.millis();
        long inProgress = history.values().stream().filter(e -> e.status().equals("IN_PROGRESS")).count();
        return new JobOverview(jobName, state, attempt, restarts, startTime, now - startTime, graph(subtasks, now),
                new JobOverview.CheckpointCounts(completed, failed, inProgress, latestCompleted, latestSavepoint,
                        latestFailed),
                List.copyOf(exceptions));
    }

    /** The checkpoint and savepoint history, newest first. */
    public synchronized List<CheckpointEntry> checkpoints() {
        List<CheckpointEntry> newestFirst = new ArrayList<>(history.values());
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    private JobOverview.Graph graph(List<SubtaskMetrics> reported, long now) {
        if (topology == null) {
            return null;
        }
        List<SubtaskMetrics> subtasks = reported.stream().map(m -> m.atTime(now)).toList();
        List<VertexView> vertices = new ArrayList<>();
        List<JobOverview.Edge> edges = new ArrayList<>();
        for (JobTopology.Vertex vertex : topology.vertices()) {
            vertices.add(VertexView.of(vertex, subtasks));
            for (JobTopology.Input input : vertex.inputs()) {
                edges.add(new JobOverview.Edge(input.from(), vertex.name(), input.partitioning()));
            }
        }
        return new JobOverview.Graph(topology.parallelism(), topology.maxParallelism(), vertices, edges);
    }
}
