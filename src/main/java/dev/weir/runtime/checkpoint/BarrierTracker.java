package dev.weir.runtime.checkpoint;

import java.util.BitSet;

/**
 * At-least-once barrier handling: never blocks a channel. Counts barrier n over the open
 * channels and snapshots when all have delivered it; records after a barrier on a fast channel
 * are already in the state, so they may be replayed twice after a restore.
 */
public final class BarrierTracker implements CheckpointBarrierHandler {

    private final BarrierHandlerActions actions;
    private CheckpointBarrier pending;
    private final BitSet received = new BitSet();
    private long lastTriggered = -1;

    public BarrierTracker(BarrierHandlerActions actions) {
        this.actions = actions;
    }

    /** Barriers never overtake records here: at-least-once checkpoints are never unaligned. */
    @Override
    public void processBarrier(CheckpointBarrier barrier, int channel, int overtakenBatches) throws Exception {
        long id = barrier.checkpointId();
        if (id <= lastTriggered || (pending != null && id < pending.checkpointId())) {
            return;
        }
        if (pending != null && id > pending.checkpointId()) {
            actions.abortCheckpoint(pending.checkpointId(), "superseded by checkpoint " + id);
            pending = null;
        }
        if (pending == null) {
            pending = barrier;
            received.clear();
        }
        received.set(channel);
        completeIfAllReceived();
    }

    @Override
    public void processBarrierAnnouncement(CheckpointBarrier barrier) {}

    @Override
    public void processAlignmentTimeout(CheckpointBarrier barrier) {}

    @Override
    public void processEndOfPartition(int channel) throws Exception {
        completeIfAllReceived();
    }

    private void completeIfAllReceived() throws Exception {
        if (pending == null) {
            return;
        }
        for (int c = 0; c < actions.numberOfChannels(); c++) {
            if (!received.get(c) && !actions.isChannelFinished(c)) {
                return;
            }
        }
        CheckpointBarrier barrier = pending;
        pending = null;
        lastTriggered = barrier.checkpointId();
        actions.triggerCheckpoint(barrier, 0); // nothing was blocked
    }

    @Override
    public void processAbort(long checkpointId) {
        if (pending != null && checkpointId >= pending.checkpointId()) {
            lastTriggered = Math.max(lastTriggered, checkpointId);
            pending = null;
        }
    }

    @Override
    public long pendingCheckpointId() {
        return pending == null ? -1 : pending.checkpointId();
    }
}
