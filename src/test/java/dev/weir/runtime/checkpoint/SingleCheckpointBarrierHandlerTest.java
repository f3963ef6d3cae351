package dev.weir.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SingleCheckpointBarrierHandlerTest {

    private final RecordingActions actions = new RecordingActions(3);
    private final SingleCheckpointBarrierHandler handler = new SingleCheckpointBarrierHandler(actions);

    private static CheckpointBarrier barrier(long id) {
        return new CheckpointBarrier(id, 0, CheckpointType.CHECKPOINT);
    }

    @Test
    void firstBarrierBlocksItsChannelAndStartsCollecting() throws Exception {
        handler.processBarrier(barrier(1), 0);
        assertThat(handler.stateName()).isEqualTo("CollectingBarriers");
        assertThat(actions.blocked).containsExactly(0);
        assertThat(actions.triggered).isEmpty();
        assertThat(handler.pendingCheckpointId()).isEqualTo(1);
    }

    @Test
    void lastBarrierTriggersSnapshotAndReleasesAllChannels() throws Exception {
        handler.processBarrier(barrier(1), 2);
        handler.processBarrier(barrier(1), 0);
        assertThat(actions.blocked).containsExactlyInAnyOrder(0, 2);
        handler.processBarrier(barrier(1), 1);
        assertThat(actions.triggered).containsExactly(1L);
        assertThat(actions.blocked).isEmpty();
        assertThat(handler.stateName()).isEqualTo("WaitingForFirstBarrier");
    }

    @Test
    void reportsHowLongChannelsWereBlocked() throws Exception {
        handler.processBarrier(barrier(1), 0);
        Thread.sleep(30);
        handler.processBarrier(barrier(1), 1);
        handler.processBarrier(barrier(1), 2);
        assertThat(actions.alignments).hasSize(1);
        assertThat(actions.alignments.get(0)).isBetween(30_000_000L, 10_000_000_000L);
    }

    @Test
    void newerBarrierSupersedesPendingAlignment() throws Exception {
        handler.processBarrier(barrier(1), 0);
        handler.processBarrier(barrier(2), 1);
        assertThat(actions.aborted).containsExactly(1L);
        assertThat(actions.blocked).containsExactly(1);
        assertThat(handler.pendingCheckpointId()).isEqualTo(2);
        handler.processBarrier(barrier(2), 0);
        handler.processBarrier(barrier(2), 2);
        assertThat(actions.triggered).containsExactly(2L);
    }

    @Test
    void staleBarriersAreIgnored() throws Exception {
        for (int c = 0; c < 3; c++) {
            handler.processBarrier(barrier(5), c);
        }
        handler.processBarrier(barrier(4), 1);
        handler.processBarrier(barrier(5), 1);
        assertThat(actions.triggered).containsExactly(5L);
        assertThat(actions.blocked).isEmpty();
        assertThat(handler.stateName()).isEqualTo("WaitingForFirstBarrier");
    }

    @Test
    void olderBarrierDuringAlignmentDoesNotDisturbIt() throws Exception {
        handler.processBarrier(barrier(3), 0);
        handler.processBarrier(barrier(2), 1);
        assertThat(actions.blocked).containsExactly(0);
        assertThat(handler.pendingCheckpointId()).isEqualTo(3);
    }

    @Test
    void channelEndingDuringAlignmentCountsAsAligned() throws Exception {
        handler.processBarrier(barrier(1), 0);
        handler.processBarrier(barrier(1), 1);
        actions.finished[2] = true;
        handler.processEndOfPartition(2);
        assertThat(actions.triggered).containsExactly(1L);
        assertThat(actions.blocked).isEmpty();
    }

    @Test
    void finishedChannelsAreNotWaitedFor() throws Exception {
        actions.finished[1] = true;
        actions.finished[2] = true;
        handler.processBarrier(barrier(7), 0);
        assertThat(actions.triggered).containsExactly(7L);
    }

    @Test
    void abortNotificationCancelsAlignmentAndReleasesChannels() throws Exception {
        handler.processBarrier(barrier(1), 0);
        handler.processAbort(1);
        assertThat(actions.blocked).isEmpty();
        assertThat(handler.stateName()).isEqualTo("WaitingForFirstBarrier");
        // the rest of checkpoint 1's barriers arrive late: nothing is triggered for it
        handler.processBarrier(barrier(1), 1);
        handler.processBarrier(barrier(1), 2);
        assertThat(actions.triggered).isEmpty();
        handler.processBarrier(barrier(2), 0);
        assertThat(handler.pendingCheckpointId()).isEqualTo(2);
    }

    @Test
    void abortOfOlderCheckpointDoesNotCancelCurrentAlignment() throws Exception {
        handler.processBarrier(barrier(4), 0);
        handler.processAbort(3);
        assertThat(actions.blocked).containsExactly(0);
        assertThat(handler.pendingCheckpointId()).isEqualTo(4);
    }

    @Test
    void singleChannelTriggersImmediately() throws Exception {
        RecordingActions one = new RecordingActions(1);
        SingleCheckpointBarrierHandler h = new SingleCheckpointBarrierHandler(one);
        h.processBarrier(barrier(9), 0);
        assertThat(one.triggered).containsExactly(9L);
        assertThat(one.blocked).isEmpty();
    }
}
