package dev.weir.runtime.checkpoint;

import java.util.BitSet;

/**
 * Unaligned checkpoint n: the task snapshotted when it started (no channel is blocked) and
 * persists, per channel that had not delivered barrier n by then, every batch it reads until the
 * barrier arrives plus the batches the barrier overtook. Waits for the remaining barriers only to
 * know when that channel state is whole; a newer barrier supersedes n.
 */
final class CollectingUnalignedBarriers implements AlignmentState {

    private final BarrierHandlerActions actions;
    private final CheckpointBarrier barrier;
    private final BitSet received;

    private CollectingUnalignedBarriers(BarrierHandlerActions actions, CheckpointBarrier barrier, BitSet received) {
        this.actions = actions;
        this.barrier = barrier;
        this.received = received;
    }

    /**
     * Snapshots now and turns the barriers still on their way into overtaking ones.
     *
     * @param received the channels that delivered the barrier in order (their records before it were
     *     processed before the snapshot)
     * @param alignmentStartNanos when the first barrier arrived (alignment time is reported up to now)
     */
    static AlignmentState start(BarrierHandlerActions actions, CheckpointBarrier barrier, BitSet received,
                                long alignmentStartNanos) throws Exception {
        CheckpointBarrier unaligned = barrier.toUnaligned();
        BitSet pending = new BitSet();
        for (int c = 0; c < actions.numberOfChannels(); c++) {
            if (!received.get(c) && !actions.isChannelFinished(c)) {
                pending.set(c);
            }
        }
        actions.unblockAllChannels();
        actions.triggerUnalignedCheckpoint(unaligned, received.isEmpty() ? 0 : System.nanoTime() - alignmentStartNanos,
                pending);
        // Unaligned barriers overtake on arrival; aligned ones (this task timed out, or upstream tasks
        // that aligned in time forward them aligned) must be told to.
        for (int c = pending.nextSetBit(0); c >= 0; c = pending.nextSetBit(c + 1)) {
            actions.promoteBarrier(c, barrier.checkpointId());
        }
        return new CollectingUnalignedBarriers(actions, unaligned, (BitSet) received.clone()).completeIfAllReceived();
    }

    @Override
    public AlignmentState barrierReceived(CheckpointBarrier incoming, int channel, int overtakenBatches) throws Exception {
        long id = barrier.checkpointId();
        if (incoming.checkpointId() < id) {
            return this;
        }
        if (incoming.checkpointId() > id) {
            actions.abortCheckpoint(id, "superseded by checkpoint " + incoming.checkpointId()
                    + " before its in-flight data was recorded");
            return new WaitingForFirstBarrier(actions, id).barrierReceived(incoming, channel, overtakenBatches);
        }
        if (!received.get(channel)) {
            received.set(channel);
            actions.barrierOvertook(id, channel, overtakenBatches);
        }
        return completeIfAllReceived();
    }

    @Override
    public AlignmentState endOfPartition(int channel) {
        return completeIfAllReceived();
    }

    private AlignmentState completeIfAllReceived() {
        for (int c = 0; c < actions.numberOfChannels(); c++) {
            if (!received.get(c) && !actions.isChannelFinished(c)) {
                return this;
            }
        }
        return new WaitingForFirstBarrier(actions, barrier.checkpointId());
    }

    @Override
    public AlignmentState abort(long checkpointId) {
        return checkpointId < barrier.checkpointId() ? this
                : new WaitingForFirstBarrier(actions, Math.max(checkpointId, barrier.checkpointId()));
    }

    @Override
    public AlignmentState alignmentTimedOut(CheckpointBarrier timedOut) {
        return this;
    }

    @Override
    public long pendingCheckpointId() {
        return barrier.checkpointId();
    }
}
