package dev.weir.runtime.checkpoint;

import java.util.Map;

/**
 * The snapshot of one operator's subtask: its operator state (source offsets, sink transactions;
 * may be null) and its keyed state, one handle per non-empty key group it owned.
 */
public record OperatorSubtaskState(
        int subtask, StateHandle operatorState, Map<Integer, StateHandle> keyGroups) {

    public OperatorSubtaskState {
        keyGroups = Map.copyOf(keyGroups);
    }

    public long size() {
        long size = operatorState == null ? 0 : operatorState.length();
        for (StateHandle h : keyGroups.values()) {
            size += h.length();
        }
        return size;
    }
}
