package dev.weir.runtime.worker.protocol;

import java.util.Objects;

import dev.weir.runtime.checkpoint.AlignmentType;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;

/**
 * Coordinator → worker: inject barrier {@code checkpointId} at this worker's source subtasks.
 *
 * @param alignment how the barrier aligns; see {@link CheckpointBarrier}
 * @param alignedTimeoutMs for an aligned barrier, when its checkpoint turns unaligned (0: never)
 *     <p>Both are absent in a trigger from a coordinator older than unaligned checkpoints (the
 *     operator and a worker image are upgraded separately): that is an aligned barrier without
 *     timeout, which is all such a coordinator knows.
 */
public record TriggerCheckpoint(long checkpointId, long timestamp, CheckpointType type, AlignmentType alignment,
                                Long alignedTimeoutMs) {

    public TriggerCheckpoint {
        Objects.requireNonNull(type, "type");
        alignment = alignment == null ? AlignmentType.ALIGNED : alignment;
        alignedTimeoutMs = alignedTimeoutMs == null ? CheckpointBarrier.NO_TIMEOUT : alignedTimeoutMs;
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
