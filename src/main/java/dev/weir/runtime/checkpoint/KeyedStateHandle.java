package dev.weir.runtime.checkpoint;

import java.util.Map;

/**
 * Where one operator subtask's keyed state went in a checkpoint: key groups in the canonical
 * format (the heap backend, full snapshots and savepoints of every backend, the timers of
 * RocksDB), and, for incremental RocksDB checkpoints, the database's files.
 *
 * @param incremental null unless the backend wrote an incremental snapshot
 */
public record KeyedStateHandle(Map<Integer, StateHandle> keyGroups, IncrementalStateHandle incremental) {

    public static final KeyedStateHandle EMPTY = new KeyedStateHandle(Map.of(), null);

    public KeyedStateHandle {
        keyGroups = Map.copyOf(keyGroups);
    }
}
