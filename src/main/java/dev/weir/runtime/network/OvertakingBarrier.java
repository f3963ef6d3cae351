package dev.weir.runtime.network;

import dev.weir.runtime.checkpoint.CheckpointBarrier;

/**
 * A barrier that overtook the record batches queued ahead of it in its channel: the next
 * {@code overtakenBatches} batches behind it were sent before it and belong to its checkpoint's
 * channel state.
 */
public record OvertakingBarrier(CheckpointBarrier barrier, int overtakenBatches) {

    public OvertakingBarrier {
        if (!barrier.isUnaligned() || overtakenBatches < 0) {
            throw new IllegalArgumentException("an overtaking barrier must be unaligned and overtake >= 0 batches: "
                    + barrier + ", " + overtakenBatches);
        }
    }
}
