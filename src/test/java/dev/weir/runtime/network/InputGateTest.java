package dev.weir.runtime.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;

/**
 * Which channel an input gate reads next: every producer gets its turn, however much another has
 * queued, and the channels behind in event time get more turns until they catch up.
 */
class InputGateTest {

    private static RecordBatch batch(int value) {
        RecordBatch b = new RecordBatch(1);
        b.add(value);
        return b;
    }

    /** A batch of one record, {@code value}, with event time {@code timestamp}. */
    private static RecordBatch batch(int value, long timestamp) {
        RecordBatch b = new RecordBatch(1);
        b.add(value, timestamp);
        return b;
    }

    /** A gate over {@code a} and {@code b} that has read one batch from each (records 0 and 100), at these times. */
    private static InputGate afterFirstBatches(ChannelQueue a, long aTime, ChannelQueue b, long bTime) throws Exception {
        InputGate gate = new InputGate(new ChannelQueue[] {a, b});
        a.send(batch(0, aTime));
        b.send(batch(100, bTime));
        // no channel had a time before: plain turns
        assertThat(poll(gate, 2)).containsExactly(0, 100);
        return gate;
    }

    private static List<Integer> poll(InputGate gate, int count) {
        List<Integer> firstRecords = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Object element = gate.pollNext();
            firstRecords.add(element == null ? null : (Integer) ((RecordBatch) element).get(0));
        }
        return firstRecords;
    }

    @Test
    void channelsThatAllHaveMoreAreReadInTurn() throws Exception {
        // Under backpressure every channel is full: staying on one while it had more starved the
        // others' producers, and their sources drifted apart in event time.
        ChannelQueue a = new ChannelQueue(4);
        ChannelQueue b = new ChannelQueue(4);
        ChannelQueue c = new ChannelQueue(4);
        for (int i = 0; i < 4; i++) {
            a.send(batch(i));
            b.send(batch(10 + i));
            c.send(batch(20 + i));
        }
        InputGate gate = new InputGate(new ChannelQueue[] {a, b, c});
        assertThat(poll(gate, 6)).containsExactly(0, 10, 20, 1, 11, 21);
        // a producer that refills its channel at once still waits for the others' turns
        a.send(batch(4));
        a.send(batch(5));
        assertThat(poll(gate, 6)).containsExactly(2, 12, 22, 3, 13, 23);
        assertThat(poll(gate, 3)).containsExactly(4, 5, null);
    }

    @Test
    void blockedAndFinishedChannelsAreSkippedAndTheTurnGoesOn() throws Exception {
        ChannelQueue a = new ChannelQueue(4);
        ChannelQueue b = new ChannelQueue(4);
        ChannelQueue c = new ChannelQueue(4);
        for (int i = 0; i < 3; i++) {
            a.send(batch(i));
            b.send(batch(10 + i));
            c.send(batch(20 + i));
        }
        InputGate gate = new InputGate(new ChannelQueue[] {a, b, c});
        gate.block(1);
        assertThat(poll(gate, 4)).containsExactly(0, 20, 1, 21);
        assertThat(gate.lastChannel()).isEqualTo(2);
        gate.unblockAll();
        gate.markFinished(2);
        assertThat(poll(gate, 4)).containsExactly(2, 10, 11, 12);
        assertThat(poll(gate, 1)).containsExactly((Integer) null);
    }

    @Test
    void aChannelAheadInEventTimeWaitsSomeTurnsWhileOneBehindHasBatches() throws Exception {
        ChannelQueue ahead = new ChannelQueue(16);
        ChannelQueue behind = new ChannelQueue(16);
        InputGate gate = afterFirstBatches(ahead, 10_000, behind, 1_000);
        for (int i = 1; i <= 8; i++) {
            ahead.send(batch(i, 10_000 + i));
            behind.send(batch(100 + i, 1_000 + i));
        }
        // the one ahead is read once every MAX_TURNS_PASSED + 1 turns while the one behind has batches
        assertThat(poll(gate, 8)).containsExactly(101, 102, 103, 1, 104, 105, 106, 107);
        assertThat(poll(gate, 4)).containsExactly(2, 108, 3, 4);
        // nothing behind queued: the one ahead is not held back for it
        assertThat(poll(gate, 5)).containsExactly(5, 6, 7, 8, null);
    }

    @Test
    void channelsTakeTurnsAgainOnceTheOneBehindHasCaughtUp() throws Exception {
        ChannelQueue a = new ChannelQueue(16);
        ChannelQueue b = new ChannelQueue(16);
        InputGate gate = afterFirstBatches(a, 500, b, 100);
        // b behind, then past a: from there on a is the one behind
        b.send(batch(101, 300));
        b.send(batch(102, 700));
        b.send(batch(103, 900));
        a.send(batch(1, 600));
        a.send(batch(2, 800));
        a.send(batch(3, 1_000));
        assertThat(poll(gate, 6)).containsExactly(101, 102, 1, 2, 103, 3);
    }

    @Test
    void aBarrierBehindTheBatchesOfAChannelAheadIsReadWithinAFewTurns() throws Exception {
        ChannelQueue ahead = new ChannelQueue(64);
        ChannelQueue behind = new ChannelQueue(64);
        InputGate gate = afterFirstBatches(ahead, 10_000, behind, 0);
        ahead.send(new CheckpointBarrier(1, 0, CheckpointType.CHECKPOINT));
        for (int i = 1; i <= 50; i++) {
            behind.send(batch(100 + i, i));
        }
        int polls = 0;
        Object element;
        do {
            element = gate.pollNext();
            polls++;
        } while (!(element instanceof CheckpointBarrier));
        assertThat(gate.lastChannel()).isZero();
        assertThat(polls).isEqualTo(InputGate.MAX_TURNS_PASSED + 1);
    }

    @Test
    void channelsWithoutTimestampsTakePlainTurns() throws Exception {
        ChannelQueue a = new ChannelQueue(8);
        ChannelQueue b = new ChannelQueue(8);
        InputGate gate = afterFirstBatches(a, 5_000, b, RecordBatch.NO_TIMESTAMP);
        for (int i = 1; i <= 3; i++) {
            a.send(batch(i, 5_000 + i));
            b.send(batch(100 + i));
        }
        // b has no time: nothing can be said to be ahead of it
        assertThat(poll(gate, 6)).containsExactly(1, 101, 2, 102, 3, 103);
    }
}
