package dev.weir.runtime.checkpoint;

/**
 * One state of exactly-once barrier alignment. Each event returns the next state; the states
 * are {@link WaitingForFirstBarrier} and {@link CollectingBarriers}.
 */
interface AlignmentState {

    AlignmentState barrierReceived(CheckpointBarrier barrier, int channel) throws Exception;

    AlignmentState endOfPartition(int channel) throws Exception;

    AlignmentState abort(long checkpointId);

    long pendingCheckpointId();
}
