package dev.weir.runtime.worker.protocol;

import java.util.Objects;

import dev.weir.runtime.checkpoint.AlignmentType;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;

/**
 * Coordinator → worker: inject barrier {@code checkpointId} at this worker's source subtasks.
 *
 * @param alignment how the barrier aligns (absent: aligned); see {@link CheckpointBarrier}
 * @param alignedTimeoutMs for an aligned barrier, when its checkpoint turns unaligned (0: never)
 */
public record TriggerCheckpoint(long checkpointId, long timestamp, CheckpointType type, AlignmentType alignment,
                                long alignedTimeoutMs) {

    public TriggerCheckpoint {
        Objects.requireNonNull(type, "type");
        alignment = alignment == null ? AlignmentType.ALIGNED : alignment;
    }

    public TriggerCheckpoint(long checkpointId, long timestamp, CheckpointType type) {
        this(checkpointId, timestamp, type, AlignmentType.ALIGNED, CheckpointBarrier.NO_TIMEOUT);
    }

    public static TriggerCheckpoint of(CheckpointBarrier barrier) {
        return new TriggerCheckpoint(barrier.checkpointId(), barrier.timestamp(), barrier.type(), barrier.alignment(),
                barrier.alignedTimeoutMs());
    }

    /** The barrier the sources inject. */
    public CheckpointBarrier barrier() {
        return new CheckpointBarrier(checkpointId, timestamp, type, alignment, alignedTimeoutMs);
    }
}
