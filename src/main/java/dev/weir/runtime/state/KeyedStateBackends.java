package dev.weir.runtime.state;

import dev.weir.runtime.state.rocksdb.LocalStateDirectories;
import dev.weir.runtime.state.rocksdb.RocksDbKeyedStateBackend;
import dev.weir.runtime.state.serialization.TypeSerializer;

/** Creates the keyed-state backend {@link StateBackendSettings} name for one keyed operator subtask. */
public final class KeyedStateBackends {

    private KeyedStateBackends() {}

    /** @param owner names the subtask and operator, e.g. for the database's directory */
    public static <K> KeyedStateBackend<K> create(StateBackendSettings settings, TypeSerializer<K> keySerializer,
                                                  KeyGroupRange keyGroupRange, int maxParallelism, String owner) {
        return switch (settings.kind()) {
            case HEAP -> new HeapKeyedStateBackend<>(keySerializer, keyGroupRange, maxParallelism, settings.incremental());
            case ROCKSDB -> new RocksDbKeyedStateBackend<>(keySerializer, keyGroupRange, maxParallelism,
                    settings.incremental(), LocalStateDirectories.forSubtask(settings.localDirectory(), owner));
        };
    }
}
