package dev.weir.runtime.checkpoint;

/** Turns barriers arriving on a task's input channels into checkpoints of the task. */
public interface CheckpointBarrierHandler {

    /** A barrier that arrived in order with the records. */
    default void processBarrier(CheckpointBarrier barrier, int channel) throws Exception {
        processBarrier(barrier, channel, 0);
    }

    /**
     * @param overtakenBatches for an unaligned barrier, how many batches now behind it in its channel
     *     were sent before it
     */
    void processBarrier(CheckpointBarrier barrier, int channel, int overtakenBatches) throws Exception;

    /** An aligned barrier that may time out was queued on some channel, maybe behind many records. */
    void processBarrierAnnouncement(CheckpointBarrier barrier);

    /** The aligned timeout of {@code barrier}'s checkpoint passed (scheduled through the actions). */
    void processAlignmentTimeout(CheckpointBarrier barrier) throws Exception;

    /** A channel ended: it will deliver no more barriers. */
    void processEndOfPartition(int channel) throws Exception;

    /** The coordinator aborted a checkpoint: stop waiting for its barriers. */
    void processAbort(long checkpointId);

    /** Id of the checkpoint being aligned, or -1. */
    long pendingCheckpointId();

    static CheckpointBarrierHandler create(CheckpointingMode mode, BarrierHandlerActions actions) {
        return mode == CheckpointingMode.EXACTLY_ONCE
                ? new SingleCheckpointBarrierHandler(actions)
                : new BarrierTracker(actions);
    }
}
