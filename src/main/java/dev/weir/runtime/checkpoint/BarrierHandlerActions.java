package dev.weir.runtime.checkpoint;

/** What barrier handling asks of its task: all called on the task thread. */
public interface BarrierHandlerActions {

    int numberOfChannels();

    boolean isChannelFinished(int channel);

    void blockChannel(int channel);

    void unblockAllChannels();

    /** All open channels delivered the barrier: forward it, snapshot, acknowledge. */
    void triggerCheckpoint(CheckpointBarrier barrier) throws Exception;

    /** The checkpoint cannot be taken here (superseded, cancelled): decline it. */
    void abortCheckpoint(long checkpointId, String reason);
}
