package dev.weir.coordinator;

import dev.weir.api.CheckpointingSpec;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;

/** A StreamJob's {@code spec.checkpointing} as the coordinator and the workers take it; for both hosts. */
public final class CheckpointConfigs {

    private CheckpointConfigs() {}

    public static CheckpointConfig of(CheckpointingSpec spec) {
        return new CheckpointConfig(spec.getIntervalMs(), spec.getTimeoutMs(), spec.getMinPauseMs(), mode(spec),
                spec.getRetained(), spec.getTolerableFailures(), spec.getStallTimeoutMs(), spec.getTolerableFailureMs(),
                spec.isUnaligned(), spec.getAlignedTimeoutMs());
    }

    public static CheckpointingMode mode(CheckpointingSpec spec) {
        return CheckpointingSpec.AT_LEAST_ONCE.equals(spec.getMode())
                ? CheckpointingMode.AT_LEAST_ONCE : CheckpointingMode.EXACTLY_ONCE;
    }
}
