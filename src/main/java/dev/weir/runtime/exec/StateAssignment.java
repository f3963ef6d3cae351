package dev.weir.runtime.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.weir.runtime.checkpoint.ChannelStateHandle;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupRange;

/**
 * Decides which subtask restores which state from a completed checkpoint, at the parallelism each
 * task runs with now (each its own, which may differ from the one it had, and from the job's):
 * key groups go to the subtask whose range holds them; operator state goes
 * to every subtask (each source or sink picks its share, see OperatorStateRestore); in-flight
 * records of an unaligned checkpoint go to the consumers of their edge ({@link ChannelStateAssignment}), edge
 * by edge for a task with several inputs.
 */
public final class StateAssignment {

    private StateAssignment() {}

    public static Map<ExecutionVertexId, TaskRestore> assign(CheckpointMetadata metadata, String location,
                                                             JobGraph graph, int maxParallelism) {
        if (metadata.maxParallelism() != maxParallelism) {
            throw new IllegalStateException("checkpoint " + location + " was taken with maxParallelism "
                    + metadata.maxParallelism() + " but the job now has " + maxParallelism
                    + ": keyed state cannot be redistributed across a different number of key groups");
        }
        Set<String> uids = new HashSet<>();
        graph.vertices().forEach(v -> v.chain().forEach(n -> uids.add(n.uid())));
        for (Map.Entry<String, List<OperatorSubtaskState>> operator : metadata.operators().entrySet()) {
            String uid = operator.getKey();
            // An operator without state (a map, a window's local aggregation) may go: nothing is dropped.
            if (!uids.contains(uid) && !operator.getValue().stream().allMatch(OperatorSubtaskState::isEmpty)) {
                throw new IllegalStateException("checkpoint " + location + " has state for operator uid '" + uid
                        + "', which the job no longer has; restoring would drop that state");
            }
        }
        Set<String> edges = new HashSet<>();
        graph.edges().forEach(e -> edges.add(e.id()));
        for (String edge : metadata.channelState().keySet()) {
            if (!edges.contains(edge)) {
                throw new IllegalStateException("checkpoint " + location + " is unaligned and holds in-flight records of"
                        + " the edge '" + edge + "', which the job no longer has; restore it with the job graph it was"
                        + " taken with, or take a savepoint (always aligned) of that job and restore from the savepoint");
            }
        }
        Map<ExecutionVertexId, TaskRestore> restores = new LinkedHashMap<>();
        for (JobGraph.JobVertex vertex : graph.vertices()) {
            int width = vertex.parallelism();
            for (int subtask = 0; subtask < width; subtask++) {
                KeyGroupRange range = KeyGroupAssignment.rangeFor(subtask, maxParallelism, width);
                Map<String, TaskRestore.OperatorRestore> operators = new LinkedHashMap<>();
                for (StreamNode node : vertex.chain()) {
                    List<OperatorSubtaskState> states = metadata.operators().get(node.uid());
                    if (states != null) {
                        operators.put(node.uid(), assign(states, previousParallelism(states), range));
                    }
                }
                int previousWidth = previousParallelism(metadata, vertex);
                List<ChannelStateHandle> inFlight = new ArrayList<>();
                boolean byKeyGroup = false;
                for (JobGraph.JobEdge edge : vertex.inputs()) {
                    inFlight.addAll(ChannelStateAssignment.forSubtask(
                            metadata.channelState().getOrDefault(edge.id(), List.of()),
                            previousWidth, width, subtask, edge.partitioning()));
                    byKeyGroup |= ChannelStateAssignment.byKeyGroup(previousWidth, width, edge.partitioning());
                }
                restores.put(new ExecutionVertexId(vertex.name(), subtask), new TaskRestore(metadata.checkpointId(),
                        location, operators, inFlight, byKeyGroup));
            }
        }
        return restores;
    }

    /**
     * How many subtasks an operator had when the checkpoint was taken: every subtask of every
     * operator acknowledges a state, so one more than the highest subtask index.
     */
    private static int previousParallelism(List<OperatorSubtaskState> states) {
        return states.stream().mapToInt(OperatorSubtaskState::subtask).max().orElse(-1) + 1;
    }

    /**
     * How many subtasks the task had in the checkpoint: those of its head operator (the consumer of
     * its input edges' channel state; an edge of the checkpoint has the head it had then), else the job's.
     */
    private static int previousParallelism(CheckpointMetadata metadata, JobGraph.JobVertex vertex) {
        List<OperatorSubtaskState> states = metadata.operators().get(vertex.head().uid());
        return states == null || states.isEmpty() ? metadata.parallelism() : previousParallelism(states);
    }

    private static TaskRestore.OperatorRestore assign(List<OperatorSubtaskState> states, int previousParallelism,
                                                      KeyGroupRange range) {
        StateHandle[] previous = new StateHandle[previousParallelism];
        Map<Integer, StateHandle> keyGroups = new HashMap<>();
        List<IncrementalStateHandle> incremental = new ArrayList<>();
        Map<Integer, List<StateHandle>> changelog = new HashMap<>();
        for (OperatorSubtaskState state : states) {
            previous[state.subtask()] = state.operatorState();
            for (Map.Entry<Integer, StateHandle> e : state.keyGroups().entrySet()) {
                if (range.contains(e.getKey())) {
                    keyGroups.put(e.getKey(), e.getValue());
                }
            }
            if (state.changelog() != null) {
                for (Map.Entry<Integer, List<StateHandle>> e : state.changelog().entrySet()) {
                    if (range.contains(e.getKey())) {
                        changelog.put(e.getKey(), e.getValue());
                    }
                }
            }
            // A database holds a range of key groups: every one overlapping this range contributes.
            if (state.incremental() != null && state.incremental().overlaps(range.start(), range.end())) {
                incremental.add(state.incremental());
            }
        }
        return new TaskRestore.OperatorRestore(new ArrayList<>(Arrays.asList(previous)), keyGroups, incremental,
                changelog);
    }
}
