package dev.weir.runtime.checkpoint;

/** What barrier handling asks of its task: all called on the task thread. */
public interface BarrierHandlerActions {

    int numberOfChannels();

    boolean isChannelFinished(int channel);

    void blockChannel(int channel);

    void unblockAllChannels();

    /**
     * All open channels delivered the barrier: forward it, snapshot, acknowledge.
     *
     * @param alignmentNanos how long channels were blocked waiting for the other barriers (0 when none was)
     */
    void triggerCheckpoint(CheckpointBarrier barrier, long alignmentNanos) throws Exception;

    /** The checkpoint cannot be taken here (superseded, cancelled): decline it. */
    void abortCheckpoint(long checkpointId, String reason);
}
