package dev.weir.runtime.exec;

import java.util.List;
import java.util.Map;

import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.StateHandle;

/**
 * The state one subtask restores: for each operator uid of its chain, the operator states of all
 * previous subtasks (null where one had none), the handles of the key groups it now owns, and the
 * incremental snapshots whose key groups overlap its own.
 */
public record TaskRestore(long checkpointId, String location, Map<String, OperatorRestore> operators) {

    public record OperatorRestore(List<StateHandle> previousOperatorStates, Map<Integer, StateHandle> keyGroups,
                                  List<IncrementalStateHandle> incremental) {

        public OperatorRestore(List<StateHandle> previousOperatorStates, Map<Integer, StateHandle> keyGroups) {
            this(previousOperatorStates, keyGroups, List.of());
        }
    }

    public OperatorRestore operator(String uid) {
        return operators.get(uid);
    }
}
