package dev.weir.runtime.checkpoint;

import java.util.BitSet;

/**
 * Aligning checkpoint n: channels that delivered barrier n are blocked (their records after the
 * barrier belong to n+1) until every open channel has delivered it; then the task snapshots and
 * all channels are released. A newer barrier supersedes n; a channel ending counts as aligned. If
 * n's aligned timeout passes first, or an upstream task already turned it unaligned, it goes on
 * unaligned with the channels that delivered their barrier counted as aligned.
 */
final class CollectingBarriers implements AlignmentState {

    private final BarrierHandlerActions actions;
    private final CheckpointBarrier barrier;
    private final BitSet received = new BitSet();
    private final long startNanos = System.nanoTime();

    CollectingBarriers(BarrierHandlerActions actions, CheckpointBarrier barrier) {
        this.actions = actions;
        this.barrier = barrier;
    }

    @Override
    public AlignmentState barrierReceived(CheckpointBarrier incoming, int channel, int overtakenBatches)
            throws Exception {
        long id = barrier.checkpointId();
        if (incoming.checkpointId() < id) {
            return this;
        }
        if (incoming.checkpointId() > id) {
            actions.unblockAllChannels();
            actions.abortCheckpoint(id, "superseded by checkpoint " + incoming.checkpointId() + " during alignment");
            return new WaitingForFirstBarrier(actions, id).barrierReceived(incoming, channel, overtakenBatches);
        }
        if (incoming.isUnaligned()) {
            return CollectingUnalignedBarriers.start(actions, barrier, received, startNanos)
                    .barrierReceived(incoming, channel, overtakenBatches);
        }
        received.set(channel);
        actions.blockChannel(channel);
        return completeIfAligned();
    }

    @Override
    public AlignmentState endOfPartition(int channel) throws Exception {
        return completeIfAligned();
    }

    private AlignmentState completeIfAligned() throws Exception {
        for (int c = 0; c < actions.numberOfChannels(); c++) {
            if (!received.get(c) && !actions.isChannelFinished(c)) {
                return this;
            }
        }
        actions.unblockAllChannels();
        actions.triggerCheckpoint(barrier, System.nanoTime() - startNanos);
        return new WaitingForFirstBarrier(actions, barrier.checkpointId());
    }

    @Override
    public AlignmentState abort(long checkpointId) {
        if (checkpointId < barrier.checkpointId()) {
            return this;
        }
        actions.unblockAllChannels();
        return new WaitingForFirstBarrier(actions, Math.max(checkpointId, barrier.checkpointId()));
    }

    @Override
    public AlignmentState alignmentTimedOut(CheckpointBarrier timedOut) throws Exception {
        return timedOut.checkpointId() == barrier.checkpointId()
                ? CollectingUnalignedBarriers.start(actions, barrier, received, startNanos)
                : this;
    }

    @Override
    public long pendingCheckpointId() {
        return barrier.checkpointId();
    }
}
