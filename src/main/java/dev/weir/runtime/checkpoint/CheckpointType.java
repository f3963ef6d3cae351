package dev.weir.runtime.checkpoint;

public enum CheckpointType {
    CHECKPOINT,
    /** A user-requested, self-contained snapshot kept until the user deletes it. */
    SAVEPOINT
}
