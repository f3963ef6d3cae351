package dev.weir.runtime.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * Where one operator subtask's keyed state went in a checkpoint: key groups in the canonical
 * format (the heap backend, full snapshots and savepoints of every backend, the timers of
 * RocksDB), and, for incremental RocksDB checkpoints, the database's files.
 *
 * @param incremental null unless the backend wrote an incremental RocksDB snapshot
 * @param changelog null unless the heap backend wrote an incremental snapshot: per key group, the
 *     snapshots of its chain in the job's shared files, oldest first ({@code keyGroups} is then empty)
 */
public record KeyedStateHandle(Map<Integer, StateHandle> keyGroups, IncrementalStateHandle incremental,
                               Map<Integer, List<StateHandle>> changelog) {

    public static final KeyedStateHandle EMPTY = new KeyedStateHandle(Map.of(), null);

    public KeyedStateHandle {
        keyGroups = Map.copyOf(keyGroups);
        if (changelog != null) {
            Map<Integer, List<StateHandle>> copy = new java.util.TreeMap<>();
            changelog.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            changelog = java.util.Collections.unmodifiableMap(copy);
        }
    }

    public KeyedStateHandle(Map<Integer, StateHandle> keyGroups, IncrementalStateHandle incremental) {
        this(keyGroups, incremental, null);
    }
}
