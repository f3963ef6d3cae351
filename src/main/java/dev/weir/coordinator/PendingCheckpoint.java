package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.ChannelStateHandle;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One triggered checkpoint collecting acknowledgements until every expected vertex has acked,
 * then its metadata is built. Not thread-safe: guarded by the coordinator's lock.
 */
final class PendingCheckpoint {

    enum AckResult {
        ACCEPTED,
        DUPLICATE,
        UNEXPECTED_VERTEX
    }

    private final long checkpointId;
    private final CheckpointType type;
    private final boolean commitsSideEffects;
    private final long triggerTimestamp;
    private final Set<ExecutionVertexId> expected;
    private final Map<ExecutionVertexId, TaskAcknowledgement> acks = new LinkedHashMap<>();
    private final Map<ExecutionVertexId, Long> ackMillis = new HashMap<>();
    private final CompletableFuture<CompletedCheckpointStats> result;
    /** Set once the metadata is built: from then on the write may be in flight. */
    private boolean finalizing;
    /** The trigger, then the latest accepted ack: when this checkpoint last made progress. */
    private long lastProgressMillis;

    PendingCheckpoint(
            long checkpointId,
            CheckpointType type,
            boolean commitsSideEffects,
            long triggerTimestamp,
            Set<ExecutionVertexId> expected,
            CompletableFuture<CompletedCheckpointStats> result) {
        this.checkpointId = checkpointId;
        this.type = type;
        this.commitsSideEffects = commitsSideEffects;
        this.triggerTimestamp = triggerTimestamp;
        this.expected = Set.copyOf(expected);
        this.result = result;
        this.lastProgressMillis = triggerTimestamp;
    }

    long checkpointId() {
        return checkpointId;
    }

    CheckpointType type() {
        return type;
    }

    /**
     * Whether its completion is sent to the tasks, which then commit their side effects up to it
     * (sinks' transactions, source offsets): checkpoints and the savepoint a job stops at. A savepoint
     * the job goes on after commits nothing, as in Flink since 1.15: a failure restores from the
     * latest checkpoint, which may be older, and would write the savepoint's output again.
     */
    boolean commitsSideEffects() {
        return commitsSideEffects;
    }

    long triggerTimestamp() {
        return triggerTimestamp;
    }

    /** Completed by the coordinator when the checkpoint completes, failed when it is aborted. */
    CompletableFuture<CompletedCheckpointStats> result() {
        return result;
    }

    boolean isExpected(ExecutionVertexId vertex) {
        return expected.contains(vertex);
    }

    AckResult acknowledge(TaskAcknowledgement ack, long nowMillis) {
        if (!expected.contains(ack.vertex())) {
            return AckResult.UNEXPECTED_VERTEX;
        }
        if (acks.putIfAbsent(ack.vertex(), ack) != null) {
            return AckResult.DUPLICATE;
        }
        ackMillis.put(ack.vertex(), nowMillis);
        lastProgressMillis = nowMillis;
        return AckResult.ACCEPTED;
    }

    long lastProgressMillis() {
        return lastProgressMillis;
    }

    /** The vertices that have not acknowledged yet, sorted, for messages. */
    List<ExecutionVertexId> missingVertices() {
        return expected.stream().filter(v -> !acks.containsKey(v))
                .sorted(Comparator.comparing(ExecutionVertexId::taskName).thenComparingInt(ExecutionVertexId::subtask))
                .toList();
    }

    boolean isFullyAcknowledged() {
        return acks.size() == expected.size();
    }

    CheckpointTimings timings() {
        return CheckpointTimings.slowest(acks.values().stream().map(TaskAcknowledgement::metrics).toList());
    }

    /** Each acknowledged subtask's figures, ordered by task name and subtask index. */
    List<SubtaskCheckpointStats> subtaskStats() {
        return acks.values().stream()
                .map(ack -> SubtaskCheckpointStats.of(ack, ackMillis.get(ack.vertex()) - triggerTimestamp))
                .sorted(Comparator.comparing(SubtaskCheckpointStats::task)
                        .thenComparingInt(SubtaskCheckpointStats::subtask))
                .toList();
    }

    int acknowledgedCount() {
        return acks.size();
    }

    int expectedCount() {
        return expected.size();
    }

    /**
     * True once the metadata write may have started: an abort from then on must not delete the
     * directory, because whether _metadata got written is unknown.
     */
    boolean isFinalizing() {
        return finalizing;
    }

    boolean isTimedOut(long nowMillis, long timeoutMs) {
        return nowMillis - triggerTimestamp >= timeoutMs;
    }

    /** Builds the _metadata content from all acks and marks this checkpoint as finalizing. */
    CheckpointMetadata finalizeMetadata(
            String jobName, int parallelism, int maxParallelism, long completionTimestamp) {
        if (!isFullyAcknowledged()) {
            throw new IllegalStateException("checkpoint " + checkpointId + " is not fully acknowledged");
        }
        finalizing = true;
        return new CheckpointMetadata(
                checkpointId,
                type == CheckpointType.SAVEPOINT,
                triggerTimestamp,
                completionTimestamp,
                jobName,
                parallelism,
                maxParallelism,
                mergeOperatorStates(),
                mergeChannelStates());
    }

    /** Subtasks report the in-flight records of the channels at their ends: one list per edge. */
    private Map<String, List<ChannelStateHandle>> mergeChannelStates() {
        Map<String, List<ChannelStateHandle>> merged = new HashMap<>();
        for (TaskAcknowledgement ack : acks.values()) {
            for (ChannelStateHandle handle : ack.channelState()) {
                merged.computeIfAbsent(handle.edge(), k -> new ArrayList<>()).add(handle);
            }
        }
        merged.replaceAll((edge, handles) -> {
            handles.sort(ChannelStateHandle.STREAM_ORDER);
            return List.copyOf(handles);
        });
        return merged;
    }

    /** Several vertices (subtasks) report states of the same operator uid: one list per uid. */
    private Map<String, List<OperatorSubtaskState>> mergeOperatorStates() {
        Map<String, List<OperatorSubtaskState>> merged = new HashMap<>();
        for (TaskAcknowledgement ack : acks.values()) {
            ack.operators().forEach((uid, state) ->
                    merged.computeIfAbsent(uid, k -> new ArrayList<>()).add(state));
        }
        Map<String, List<OperatorSubtaskState>> sorted = new HashMap<>();
        merged.forEach((uid, states) -> {
            states.sort(Comparator.comparingInt(OperatorSubtaskState::subtask));
            sorted.put(uid, List.copyOf(states));
        });
        return sorted;
    }
}
