package dev.weir.runtime.network;

import java.util.List;

import dev.weir.runtime.checkpoint.CheckpointBarrier;

/**
 * A barrier that overtook record batches in its channel, as the consumer takes it: {@code overtaken}
 * are the batches that were sent before it, now right behind it in the queue. They belong to its
 * checkpoint's channel state and are still to be processed; the consumer must not change them.
 */
public record OvertakingBarrier(CheckpointBarrier barrier, List<RecordBatch> overtaken) {

    public OvertakingBarrier {
        if (!barrier.isUnaligned()) {
            throw new IllegalArgumentException("an overtaking barrier must be unaligned: " + barrier);
        }
        overtaken = List.copyOf(overtaken);
    }
}
