package dev.weir.runtime.exec;

import java.util.List;
import java.util.Map;

import dev.weir.runtime.checkpoint.ChannelStateHandle;
import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.StateHandle;

/**
 * The state one subtask restores: for each operator uid of its chain, the operator states of all
 * previous subtasks (null where one had none), the handles of the key groups it now owns, and the
 * incremental snapshots whose key groups overlap its own; and, from an unaligned checkpoint, the
 * in-flight records of its input edges it replays before new input.
 *
 * @param inFlightData channel state of the task's input edges, edge by edge, each in the order to replay it
 * @param inFlightByKeyGroup whether, of keyed edges, only the records of this subtask's key groups are
 *     replayed (the parallelism changed); otherwise all of {@code inFlightData}
 */
public record TaskRestore(long checkpointId, String location, Map<String, OperatorRestore> operators,
                          List<ChannelStateHandle> inFlightData, boolean inFlightByKeyGroup) {

    /** @param changelog per key group, the chain of incremental heap snapshots, oldest first */
    public record OperatorRestore(List<StateHandle> previousOperatorStates, Map<Integer, StateHandle> keyGroups,
                                  List<IncrementalStateHandle> incremental, Map<Integer, List<StateHandle>> changelog) {

        public OperatorRestore(List<StateHandle> previousOperatorStates, Map<Integer, StateHandle> keyGroups) {
            this(previousOperatorStates, keyGroups, List.of(), Map.of());
        }

        public OperatorRestore(List<StateHandle> previousOperatorStates, Map<Integer, StateHandle> keyGroups,
                               List<IncrementalStateHandle> incremental) {
            this(previousOperatorStates, keyGroups, incremental, Map.of());
        }
    }

    public TaskRestore {
        inFlightData = inFlightData == null ? List.of() : List.copyOf(inFlightData);
    }

    public TaskRestore(long checkpointId, String location, Map<String, OperatorRestore> operators) {
        this(checkpointId, location, operators, List.of(), false);
    }

    public OperatorRestore operator(String uid) {
        return operators.get(uid);
    }
}
