package dev.weir.runtime.worker.protocol;

import java.util.Objects;

import dev.weir.runtime.checkpoint.CheckpointType;

/** Coordinator → worker: inject barrier {@code checkpointId} at this worker's source subtasks. */
public record TriggerCheckpoint(long checkpointId, long timestamp, CheckpointType type) {

    public TriggerCheckpoint {
        Objects.requireNonNull(type, "type");
    }
}
