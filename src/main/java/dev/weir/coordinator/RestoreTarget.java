package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointMetadata;

/** A completed checkpoint or savepoint to restore from, and where it is. */
public record RestoreTarget(String location, CheckpointMetadata metadata) {
    public long checkpointId() {
        return metadata.checkpointId();
    }
}
