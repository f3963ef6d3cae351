package dev.weir.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

/** The alignment state machine with barriers that overtake in-flight records, or that time out. */
class UnalignedBarrierHandlingTest {

    private final RecordingActions actions = new RecordingActions(3);
    private final SingleCheckpointBarrierHandler handler = new SingleCheckpointBarrierHandler(actions);

    private static CheckpointBarrier unaligned(long id) {
        return new CheckpointBarrier(id, 1_000, CheckpointType.CHECKPOINT, AlignmentType.UNALIGNED,
                CheckpointBarrier.NO_TIMEOUT);
    }

    private static CheckpointBarrier timeoutable(long id) {
        return new CheckpointBarrier(id, 1_000, CheckpointType.CHECKPOINT, AlignmentType.ALIGNED, 500);
    }

    private static BitSet channels(int... channels) {
        BitSet set = new BitSet();
        for (int c : channels) {
            set.set(c);
        }
        return set;
    }

    @Test
    void firstUnalignedBarrierSnapshotsAtOnceWithoutBlockingAndRecordsEveryChannelUntilItsBarrier() throws Exception {
        handler.processBarrier(unaligned(1), 0, 2);
        assertThat(actions.unaligned).containsExactly(new RecordingActions.UnalignedTrigger(unaligned(1), channels(0, 1, 2)));
        assertThat(actions.triggered).as("no aligned snapshot").isEmpty();
        assertThat(actions.blocked).isEmpty();
        assertThat(actions.overtook).containsExactly(new RecordingActions.Overtook(1, 0, 2));
        assertThat(handler.stateName()).isEqualTo("CollectingUnalignedBarriers");
        assertThat(handler.pendingCheckpointId()).isEqualTo(1);

        handler.processBarrier(unaligned(1), 2, 0);
        handler.processBarrier(unaligned(1), 1, 7);
        assertThat(actions.overtook).containsExactly(new RecordingActions.Overtook(1, 0, 2),
                new RecordingActions.Overtook(1, 2, 0), new RecordingActions.Overtook(1, 1, 7));
        assertThat(actions.unaligned).hasSize(1);
        assertThat(actions.blocked).isEmpty();
        assertThat(handler.stateName()).isEqualTo("WaitingForFirstBarrier");
    }

    @Test
    void alignedBarrierThatTimesOutTurnsUnalignedWithTheAlignedChannelsDone() throws Exception {
        handler.processBarrier(timeoutable(1), 0);
        assertThat(actions.blocked).containsExactly(0);
        assertThat(actions.timeoutsScheduled).containsExactly(timeoutable(1));
        Thread.sleep(5);

        handler.processAlignmentTimeout(timeoutable(1));
        assertThat(actions.blocked).as("no channel stays blocked").isEmpty();
        assertThat(actions.unaligned).containsExactly(new RecordingActions.UnalignedTrigger(unaligned(1), channels(1, 2)));
        assertThat(actions.alignments.get(0)).as("blocked until the timeout").isGreaterThanOrEqualTo(5_000_000L);
        assertThat(actions.promoted).containsExactly(new RecordingActions.Promotion(1, 1), new RecordingActions.Promotion(2, 1));

        handler.processBarrier(unaligned(1), 1, 3);
        handler.processBarrier(unaligned(1), 2, 0);
        assertThat(actions.overtook).containsExactly(new RecordingActions.Overtook(1, 1, 3),
                new RecordingActions.Overtook(1, 2, 0));
        assertThat(actions.triggered).isEmpty();
        assertThat(handler.stateName()).isEqualTo("WaitingForFirstBarrier");
    }

    @Test
    void timeoutBeforeAnyBarrierReachedTheTaskStartsUnalignedWithEveryChannelPending() throws Exception {
        handler.processBarrierAnnouncement(timeoutable(4));
        assertThat(actions.timeoutsScheduled).containsExactly(timeoutable(4));

        handler.processAlignmentTimeout(timeoutable(4));
        assertThat(actions.unaligned).containsExactly(new RecordingActions.UnalignedTrigger(unaligned(4), channels(0, 1, 2)));
        assertThat(actions.alignments).containsExactly(0L);
        assertThat(actions.promoted).hasSize(3);
        assertThat(handler.pendingCheckpointId()).isEqualTo(4);
    }

    @Test
    void alignmentThatCompletesInTimeIgnoresItsTimeout() throws Exception {
        for (int c = 0; c < 3; c++) {
            handler.processBarrier(timeoutable(2), c);
        }
        assertThat(actions.triggered).containsExactly(2L);
        handler.processAlignmentTimeout(timeoutable(2));
        assertThat(actions.unaligned).isEmpty();
        assertThat(handler.stateName()).isEqualTo("WaitingForFirstBarrier");
    }

    @Test
    void theTimeoutOfACheckpointIsScheduledOnceHoweverOftenItIsAnnounced() throws Exception {
        handler.processBarrierAnnouncement(timeoutable(3));
        handler.processBarrierAnnouncement(timeoutable(3));
        handler.processBarrier(timeoutable(3), 1);
        handler.processBarrierAnnouncement(timeoutable(4));
        assertThat(actions.timeoutsScheduled).containsExactly(timeoutable(3), timeoutable(4));
    }

    @Test
    void barrierThatAnUpstreamTaskTurnedUnalignedEndsTheAlignment() throws Exception {
        handler.processBarrier(timeoutable(1), 0);
        handler.processBarrier(unaligned(1), 1, 3);
        assertThat(actions.blocked).isEmpty();
        assertThat(actions.unaligned).containsExactly(new RecordingActions.UnalignedTrigger(unaligned(1), channels(1, 2)));
        assertThat(actions.overtook).containsExactly(new RecordingActions.Overtook(1, 1, 3));
        assertThat(handler.pendingCheckpointId()).isEqualTo(1);
    }

    @Test
    void newerBarrierSupersedesAnUnalignedCheckpointStillRecording() throws Exception {
        handler.processBarrier(unaligned(1), 0, 1);
        handler.processBarrier(unaligned(2), 1, 4);
        assertThat(actions.aborted).containsExactly(1L);
        assertThat(actions.unaligned).extracting(t -> t.barrier().checkpointId()).containsExactly(1L, 2L);
        assertThat(actions.unaligned.get(1).pendingChannels()).isEqualTo(channels(0, 1, 2));
        assertThat(actions.overtook).contains(new RecordingActions.Overtook(2, 1, 4));
        // checkpoint 1's remaining barriers are stale now
        handler.processBarrier(unaligned(1), 2, 9);
        assertThat(actions.overtook).doesNotContain(new RecordingActions.Overtook(1, 2, 9));
    }

    @Test
    void finishedChannelsAreNeitherRecordedNorWaitedFor() throws Exception {
        actions.finished[2] = true;
        handler.processBarrier(unaligned(5), 0, 0);
        assertThat(actions.unaligned.get(0).pendingChannels()).isEqualTo(channels(0, 1));
        actions.finished[1] = true;
        handler.processEndOfPartition(1);
        assertThat(handler.stateName()).isEqualTo("WaitingForFirstBarrier");
    }

    @Test
    void abortStopsWaitingAndLateBarriersOfTheAbortedCheckpointAreIgnored() throws Exception {
        handler.processBarrier(unaligned(1), 0, 0);
        handler.processAbort(1);
        assertThat(handler.stateName()).isEqualTo("WaitingForFirstBarrier");
        handler.processBarrier(unaligned(1), 1, 2);
        handler.processAlignmentTimeout(timeoutable(1));
        assertThat(actions.overtook).containsExactly(new RecordingActions.Overtook(1, 0, 0));
        assertThat(actions.unaligned).hasSize(1);
    }
}
