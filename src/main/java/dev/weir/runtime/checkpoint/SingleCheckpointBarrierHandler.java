package dev.weir.runtime.checkpoint;

/** Exactly-once barrier handling: drives the alignment state machine. */
public final class SingleCheckpointBarrierHandler implements CheckpointBarrierHandler {

    private AlignmentState state;

    public SingleCheckpointBarrierHandler(BarrierHandlerActions actions) {
        this.state = new WaitingForFirstBarrier(actions, -1);
    }

    @Override
    public void processBarrier(CheckpointBarrier barrier, int channel) throws Exception {
        state = state.barrierReceived(barrier, channel);
    }

    @Override
    public void processEndOfPartition(int channel) throws Exception {
        state = state.endOfPartition(channel);
    }

    @Override
    public void processAbort(long checkpointId) {
        state = state.abort(checkpointId);
    }

    @Override
    public long pendingCheckpointId() {
        return state.pendingCheckpointId();
    }

    /** For tests: the name of the current state. */
    String stateName() {
        return state.getClass().getSimpleName();
    }
}
