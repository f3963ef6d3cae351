package dev.weir.runtime.checkpoint;

/**
 * One state of exactly-once barrier handling. Each event returns the next state; the states are
 * {@link WaitingForFirstBarrier}, {@link CollectingBarriers} (aligned) and
 * {@link CollectingUnalignedBarriers}.
 */
interface AlignmentState {

    /**
     * @param overtakenBatches for a barrier that overtook records in its channel, how many batches
     *     behind it were sent before it; 0 for a barrier that arrived in order
     */
    AlignmentState barrierReceived(CheckpointBarrier barrier, int channel, int overtakenBatches) throws Exception;

    AlignmentState endOfPartition(int channel) throws Exception;

    AlignmentState abort(long checkpointId);

    /** The aligned timeout of {@code barrier}'s checkpoint passed: it turns unaligned if it still aligns. */
    AlignmentState alignmentTimedOut(CheckpointBarrier barrier) throws Exception;

    long pendingCheckpointId();
}
