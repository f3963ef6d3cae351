package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import java.io.IOException;

/**
 * What the coordinator needs from checkpoint storage. Kept in this package so the coordinator
 * does not depend on how storage lays out objects; the runtime's checkpoint storage adapts to it.
 * All methods may block on I/O, so the coordinator only calls them on its I/O executor.
 */
public interface CompletedCheckpointStore {

    /** Writes _metadata for the checkpoint (last step; its existence makes the checkpoint complete). */
    void writeMetadata(CheckpointMetadata metadata, CheckpointType type) throws IOException;

    /**
     * Deletes the directory of a checkpoint that did not complete (never called when it is unknown
     * whether _metadata was written).
     */
    void discard(long checkpointId, CheckpointType type) throws IOException;

    /** Keeps the newest {@code retained} completed checkpoints, deletes older and abandoned ones. */
    void retainLatest(int retained) throws IOException;

    /** User-facing location, e.g. s3://bucket/weir/ns/job/checkpoints/chk-7 */
    String location(long checkpointId, CheckpointType type);
}
