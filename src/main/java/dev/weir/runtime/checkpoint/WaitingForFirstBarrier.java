package dev.weir.runtime.checkpoint;

import java.util.BitSet;

/** No checkpoint in progress: the first barrier of a newer checkpoint, or its timeout, starts one. */
final class WaitingForFirstBarrier implements AlignmentState {

    private final BarrierHandlerActions actions;
    private final long lastStartedCheckpointId;

    WaitingForFirstBarrier(BarrierHandlerActions actions, long lastStartedCheckpointId) {
        this.actions = actions;
        this.lastStartedCheckpointId = lastStartedCheckpointId;
    }

    @Override
    public AlignmentState barrierReceived(CheckpointBarrier barrier, int channel, int overtakenBatches)
            throws Exception {
        if (barrier.checkpointId() <= lastStartedCheckpointId) {
            // A late barrier of a checkpoint that was completed or given up here already.
            return this;
        }
        if (barrier.isUnaligned()) {
            return CollectingUnalignedBarriers.start(actions, barrier, new BitSet(), System.nanoTime())
                    .barrierReceived(barrier, channel, overtakenBatches);
        }
        return new CollectingBarriers(actions, barrier).barrierReceived(barrier, channel, overtakenBatches);
    }

    @Override
    public AlignmentState endOfPartition(int channel) {
        return this;
    }

    @Override
    public AlignmentState abort(long checkpointId) {
        return checkpointId > lastStartedCheckpointId
                ? new WaitingForFirstBarrier(actions, checkpointId)
                : this;
    }

    /** No barrier got here in time (all of them queue behind records): the checkpoint starts unaligned. */
    @Override
    public AlignmentState alignmentTimedOut(CheckpointBarrier barrier) throws Exception {
        return barrier.checkpointId() > lastStartedCheckpointId
                ? CollectingUnalignedBarriers.start(actions, barrier, new BitSet(), System.nanoTime())
                : this;
    }

    @Override
    public long pendingCheckpointId() {
        return -1;
    }
}
