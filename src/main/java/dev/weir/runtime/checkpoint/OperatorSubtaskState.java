package dev.weir.runtime.checkpoint;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The snapshot of one operator's subtask: its operator state (source offsets, sink transactions;
 * may be null) and its keyed state: one handle per non-empty key group it owned, or for an
 * incremental RocksDB snapshot the database's files, or for an incremental heap snapshot the chain
 * of snapshots of each key group.
 *
 * @param incremental null unless the keyed backend is RocksDB and snapshots incrementally
 * @param changelog null unless the keyed backend is the heap and snapshots incrementally: per key
 *     group, the chain of snapshots in the job's shared files, oldest first ({@link KeyedStateHandle})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperatorSubtaskState(
        int subtask, StateHandle operatorState, Map<Integer, StateHandle> keyGroups,
        IncrementalStateHandle incremental, Map<Integer, List<StateHandle>> changelog) {

    public OperatorSubtaskState {
        keyGroups = Map.copyOf(keyGroups);
        if (changelog != null) {
            Map<Integer, List<StateHandle>> copy = new TreeMap<>();
            changelog.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            changelog = Collections.unmodifiableMap(copy);
        }
    }

    public OperatorSubtaskState(int subtask, StateHandle operatorState, Map<Integer, StateHandle> keyGroups) {
        this(subtask, operatorState, keyGroups, null, null);
    }

    public OperatorSubtaskState(int subtask, StateHandle operatorState, Map<Integer, StateHandle> keyGroups,
                                IncrementalStateHandle incremental) {
        this(subtask, operatorState, keyGroups, incremental, null);
    }

    /** Whether the subtask had no state at all: no operator state and no keyed state in any form. */
    @JsonIgnore
    public boolean isEmpty() {
        return operatorState == null && keyGroups.isEmpty() && incremental == null
                && (changelog == null || changelog.isEmpty());
    }

    /** The distinct snapshots of this state's heap chains (several key groups share one). */
    private Set<StateHandle> changelogHandles() {
        Set<StateHandle> handles = new HashSet<>();
        if (changelog != null) {
            changelog.values().forEach(handles::addAll);
        }
        return handles;
    }

    /** All bytes this state consists of, wherever they were written. */
    public long size() {
        long size = privateSize();
        if (incremental != null) {
            size += incremental.size();
        }
        for (StateHandle h : changelogHandles()) {
            size += h.length();
        }
        return size;
    }

    /** Bytes checkpoint {@code checkpointId} wrote for this state (shared files it reused excluded). */
    public long uploadedSize(long checkpointId) {
        long size = privateSize();
        if (incremental != null) {
            size += incremental.uploadedSize(checkpointId);
        }
        for (StateHandle h : changelogHandles()) {
            if (SharedKeys.createdIn(h.key()) == checkpointId) {
                size += h.length();
            }
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
