package dev.weir.coordinator;

import java.nio.file.Path;

import dev.weir.api.StateBackendSpec;
import dev.weir.runtime.state.StateBackendSettings;

/** A StreamJob's {@code spec.stateBackend} as the workers take it; for both hosts. */
public final class StateBackendConfigs {

    private StateBackendConfigs() {}

    /** @param localDirectory where RocksDB databases live on the worker's machine */
    public static StateBackendSettings of(StateBackendSpec spec, Path localDirectory) {
        if (spec == null) {
            return StateBackendSettings.HEAP;
        }
        if (!StateBackendSpec.ROCKSDB.equals(spec.getType())) {
            return spec.isIncremental() ? StateBackendSettings.HEAP_INCREMENTAL : StateBackendSettings.HEAP;
        }
        return new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, spec.isIncremental(), localDirectory);
    }
}
