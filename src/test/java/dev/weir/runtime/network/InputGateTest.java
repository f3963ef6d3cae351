package dev.weir.runtime.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Which channel an input gate reads next: every producer gets its turn, however much another has queued. */
class InputGateTest {

    private static RecordBatch batch(int value) {
        RecordBatch b = new RecordBatch(1);
        b.add(value);
        return b;
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
}
