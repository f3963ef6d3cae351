package dev.weir.runtime.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Records what a barrier handler asks of its task. */
final class RecordingActions implements BarrierHandlerActions {

    final boolean[] finished;
    final Set<Integer> blocked = new TreeSet<>();
    final List<Long> triggered = new ArrayList<>();
    final List<Long> alignments = new ArrayList<>();
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
    public void abortCheckpoint(long checkpointId, String reason) {
        aborted.add(checkpointId);
    }
}
