package dev.weir.runtime.checkpoint;

import java.util.Objects;

/**
 * Flows in-band with the records; everything before barrier n belongs to checkpoint n.
 *
 * @param timestamp when the coordinator triggered the checkpoint (its clock, epoch millis)
 * @param alignment whether the barrier stays behind the records ahead of it or overtakes them
 * @param alignedTimeoutMs for an {@link AlignmentType#ALIGNED} barrier of a checkpoint that may turn
 *     unaligned: how long after {@code timestamp} alignment may take before it does (FLIP-76's
 *     aligned checkpoint timeout); {@link #NO_TIMEOUT} for barriers that stay aligned
 */
public record CheckpointBarrier(long checkpointId, long timestamp, CheckpointType type, AlignmentType alignment,
                                long alignedTimeoutMs) {

    public static final long NO_TIMEOUT = 0;

    public CheckpointBarrier {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(alignment, "alignment");
        if (alignedTimeoutMs < 0 || (alignment == AlignmentType.UNALIGNED && alignedTimeoutMs != NO_TIMEOUT)) {
            throw new IllegalArgumentException("barrier " + checkpointId + ": an aligned timeout of "
                    + alignedTimeoutMs + " ms with " + alignment);
        }
        if (type == CheckpointType.SAVEPOINT && (alignment != AlignmentType.ALIGNED || alignedTimeoutMs != NO_TIMEOUT)) {
            throw new IllegalArgumentException("savepoint " + checkpointId + " must stay aligned");
        }
    }

    /** An aligned barrier that stays aligned. */
    public CheckpointBarrier(long checkpointId, long timestamp, CheckpointType type) {
        this(checkpointId, timestamp, type, AlignmentType.ALIGNED, NO_TIMEOUT);
    }

    public boolean isUnaligned() {
        return alignment == AlignmentType.UNALIGNED;
    }

    /** An aligned barrier whose checkpoint turns unaligned if alignment outlasts its timeout. */
    public boolean canTimeOut() {
        return alignment == AlignmentType.ALIGNED && alignedTimeoutMs != NO_TIMEOUT;
    }

    /** When (epoch millis) this barrier's alignment times out; only for {@link #canTimeOut()}. */
    public long alignmentDeadline() {
        return timestamp + alignedTimeoutMs;
    }

    /** The same checkpoint's barrier overtaking in-flight data, as forwarded after a timeout. */
    public CheckpointBarrier toUnaligned() {
        return isUnaligned() ? this
                : new CheckpointBarrier(checkpointId, timestamp, type, AlignmentType.UNALIGNED, NO_TIMEOUT);
    }
}
