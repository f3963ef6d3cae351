package dev.weir.runtime.checkpoint;

/** No alignment in progress: the first barrier of a newer checkpoint starts one. */
final class WaitingForFirstBarrier implements AlignmentState {

    private final BarrierHandlerActions actions;
    private final long lastStartedCheckpointId;

    WaitingForFirstBarrier(BarrierHandlerActions actions, long lastStartedCheckpointId) {
        this.actions = actions;
        this.lastStartedCheckpointId = lastStartedCheckpointId;
    }

    @Override
    public AlignmentState barrierReceived(CheckpointBarrier barrier, int channel) throws Exception {
        if (barrier.checkpointId() <= lastStartedCheckpointId) {
            // A late barrier of a checkpoint that was completed or given up here already.
            return this;
        }
        return new CollectingBarriers(actions, barrier).barrierReceived(barrier, channel);
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

    @Override
    public long pendingCheckpointId() {
        return -1;
    }
}
