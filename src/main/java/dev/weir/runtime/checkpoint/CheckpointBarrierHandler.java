package dev.weir.runtime.checkpoint;

/** Turns barriers arriving on a task's input channels into checkpoints of the task. */
public interface CheckpointBarrierHandler {

    void processBarrier(CheckpointBarrier barrier, int channel) throws Exception;

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
