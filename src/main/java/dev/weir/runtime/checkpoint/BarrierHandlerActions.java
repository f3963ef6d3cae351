package dev.weir.runtime.checkpoint;

import java.util.BitSet;

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

    /**
     * Take an unaligned snapshot now: forward the (unaligned) barrier ahead of the records not yet
     * sent, snapshot, and persist as channel state every batch read from a channel in
     * {@code pendingChannels} until that channel's barrier arrives ({@link #barrierOvertook}).
     *
     * @param alignmentNanos how long channels were blocked before the checkpoint turned unaligned
     */
    void triggerUnalignedCheckpoint(CheckpointBarrier barrier, long alignmentNanos, BitSet pendingChannels)
            throws Exception;

    /**
     * The barrier of the unaligned checkpoint arrived on a pending channel ahead of
     * {@code overtakenBatches} batches that were sent before it: those belong to the channel state too.
     */
    void barrierOvertook(long checkpointId, int channel, int overtakenBatches);

    /** Let checkpoint {@code checkpointId}'s barrier overtake what is queued ahead of it in {@code channel}. */
    void promoteBarrier(int channel, long checkpointId);

    /** Call {@code alignmentTimedOut(barrier)} on the handler once the barrier's aligned timeout passed. */
    void scheduleAlignmentTimeout(CheckpointBarrier barrier);

    /** The checkpoint cannot be taken here (superseded, cancelled): decline it. */
    void abortCheckpoint(long checkpointId, String reason);
}
