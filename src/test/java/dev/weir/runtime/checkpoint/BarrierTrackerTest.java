package dev.weir.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BarrierTrackerTest {

    private final RecordingActions actions = new RecordingActions(2);
    private final BarrierTracker tracker = new BarrierTracker(actions);

    private static CheckpointBarrier barrier(long id) {
        return new CheckpointBarrier(id, 0, CheckpointType.CHECKPOINT);
    }

    @Test
    void neverBlocksAndTriggersWhenAllChannelsDelivered() throws Exception {
        tracker.processBarrier(barrier(1), 0);
        assertThat(actions.blocked).isEmpty();
        assertThat(actions.triggered).isEmpty();
        tracker.processBarrier(barrier(1), 1);
        assertThat(actions.triggered).containsExactly(1L);
        assertThat(actions.alignments).as("nothing was blocked").containsExactly(0L);
    }

    @Test
    void newerBarrierDropsOlderPendingOne() throws Exception {
        tracker.processBarrier(barrier(1), 0);
        tracker.processBarrier(barrier(2), 1);
        assertThat(actions.aborted).containsExactly(1L);
        tracker.processBarrier(barrier(1), 1);
        tracker.processBarrier(barrier(2), 0);
        assertThat(actions.triggered).containsExactly(2L);
    }

    @Test
    void endedChannelCompletesTracking() throws Exception {
        tracker.processBarrier(barrier(3), 0);
        actions.finished[1] = true;
        tracker.processEndOfPartition(1);
        assertThat(actions.triggered).containsExactly(3L);
    }

    @Test
    void abortedCheckpointIsNotTriggeredLater() throws Exception {
        tracker.processBarrier(barrier(3), 0);
        tracker.processAbort(3);
        tracker.processBarrier(barrier(3), 1);
        assertThat(actions.triggered).isEmpty();
    }
}
