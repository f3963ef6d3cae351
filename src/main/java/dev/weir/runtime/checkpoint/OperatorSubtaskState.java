package dev.weir.runtime.checkpoint;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The snapshot of one operator's subtask: its operator state (source offsets, sink transactions;
 * may be null) and its keyed state: one handle per non-empty key group it owned, and for an
 * incremental RocksDB snapshot the database's files.
 *
 * @param incremental null unless the keyed backend snapshots incrementally
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperatorSubtaskState(
        int subtask, StateHandle operatorState, Map<Integer, StateHandle> keyGroups,
        IncrementalStateHandle incremental) {

    public OperatorSubtaskState {
        keyGroups = Map.copyOf(keyGroups);
    }

    public OperatorSubtaskState(int subtask, StateHandle operatorState, Map<Integer, StateHandle> keyGroups) {
        this(subtask, operatorState, keyGroups, null);
    }

    /** All bytes this state consists of, wherever they were written. */
    public long size() {
        long size = privateSize();
        if (incremental != null) {
            size += incremental.size();
        }
        return size;
    }

    /** Bytes checkpoint {@code checkpointId} wrote for this state (shared files it reused excluded). */
    public long uploadedSize(long checkpointId) {
        long size = privateSize();
        if (incremental != null) {
            size += incremental.uploadedSize(checkpointId);
        }
        return size;
    }

    private long privateSize() {
        long size = operatorState == null ? 0 : operatorState.length();
        for (StateHandle h : keyGroups.values()) {
            size += h.length();
        }
        return size;
    }
}
