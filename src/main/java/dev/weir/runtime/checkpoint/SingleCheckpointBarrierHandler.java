package dev.weir.runtime.checkpoint;

/**
 * Exactly-once barrier handling: drives the alignment state machine, and starts the aligned timeout
 * of a checkpoint once, when the task first learns of it (an announcement or its first barrier).
 */
public final class SingleCheckpointBarrierHandler implements CheckpointBarrierHandler {

    private final BarrierHandlerActions actions;
    private AlignmentState state;
    private long lastTimeoutScheduled = -1;

    public SingleCheckpointBarrierHandler(BarrierHandlerActions actions) {
        this.actions = actions;
        this.state = new WaitingForFirstBarrier(actions, -1);
    }

    @Override
    public void processBarrier(CheckpointBarrier barrier, int channel, int overtakenBatches) throws Exception {
        scheduleTimeout(barrier);
        state = state.barrierReceived(barrier, channel, overtakenBatches);
    }

    @Override
    public void processBarrierAnnouncement(CheckpointBarrier barrier) {
        scheduleTimeout(barrier);
    }

    @Override
    public void processAlignmentTimeout(CheckpointBarrier barrier) throws Exception {
        state = state.alignmentTimedOut(barrier);
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

    private void scheduleTimeout(CheckpointBarrier barrier) {
        if (barrier.canTimeOut() && barrier.checkpointId() > lastTimeoutScheduled) {
            lastTimeoutScheduled = barrier.checkpointId();
            actions.scheduleAlignmentTimeout(barrier);
        }
    }

    /** For tests: the name of the current state. */
    String stateName() {
        return state.getClass().getSimpleName();
    }
}
