package dev.weir.runtime.checkpoint;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Records what a barrier handler asks of its task. */
final class RecordingActions implements BarrierHandlerActions {

    /** An unaligned snapshot: the barrier forwarded and the channels whose in-flight data is recorded. */
    record UnalignedTrigger(CheckpointBarrier barrier, BitSet pendingChannels) {}

    /** The barrier of an unaligned checkpoint arrived on a pending channel ahead of {@code overtaken} batches. */
    record Overtook(long checkpointId, int channel, int overtaken) {}

    record Promotion(int channel, long checkpointId) {}

    final boolean[] finished;
    final Set<Integer> blocked = new TreeSet<>();
    final List<Long> triggered = new ArrayList<>();
    final List<Long> alignments = new ArrayList<>();
    final List<UnalignedTrigger> unaligned = new ArrayList<>();
    final List<Overtook> overtook = new ArrayList<>();
    final List<Promotion> promoted = new ArrayList<>();
    final List<CheckpointBarrier> timeoutsScheduled = new ArrayList<>();
    final List<Long> aborted = new ArrayList<>();

    RecordingActions(int channels) {
        this.finished = new boolean[channels];
    }

    @Override
    public int numberOfChannels() {
        return finished.length;
    }

    @Override
    public boolean isChannelFinished(int channel) {
        return finished[channel];
    }

    @Override
    public void blockChannel(int channel) {
        blocked.add(channel);
    }

    @Override
    public void unblockAllChannels() {
        blocked.clear();
    }

    @Override
    public void triggerCheckpoint(CheckpointBarrier barrier, long alignmentNanos) {
        triggered.add(barrier.checkpointId());
        alignments.add(alignmentNanos);
    }

    @Override
    public void triggerUnalignedCheckpoint(CheckpointBarrier barrier, long alignmentNanos, BitSet pendingChannels) {
        unaligned.add(new UnalignedTrigger(barrier, (BitSet) pendingChannels.clone()));
        alignments.add(alignmentNanos);
    }

    @Override
    public void barrierOvertook(long checkpointId, int channel, int overtakenBatches) {
        overtook.add(new Overtook(checkpointId, channel, overtakenBatches));
    }

    @Override
    public void promoteBarrier(int channel, long checkpointId) {
        promoted.add(new Promotion(channel, checkpointId));
    }

    @Override
    public void scheduleAlignmentTimeout(CheckpointBarrier barrier) {
        timeoutsScheduled.add(barrier);
    }

    @Override
    public void abortCheckpoint(long checkpointId, String reason) {
        aborted.add(checkpointId);
    }
}
