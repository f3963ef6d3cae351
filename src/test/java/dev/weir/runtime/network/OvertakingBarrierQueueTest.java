package dev.weir.runtime.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.AlignmentType;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;

/** How barriers overtake the batches in a channel queue, and how a full queue signals room. */
class OvertakingBarrierQueueTest {

    private static RecordBatch batch(int value) {
        RecordBatch b = new RecordBatch(4);
        b.add(value);
        return b;
    }

    private static CheckpointBarrier unaligned(long id) {
        return new CheckpointBarrier(id, 0, CheckpointType.CHECKPOINT, AlignmentType.UNALIGNED, 0);
    }

    private static CheckpointBarrier timeoutable(long id) {
        return new CheckpointBarrier(id, 0, CheckpointType.CHECKPOINT, AlignmentType.ALIGNED, 100);
    }

    private static List<Object> drain(ChannelQueue queue) {
        List<Object> elements = new ArrayList<>();
        Object e;
        while ((e = queue.poll()) != null) {
            elements.add(describe(e));
        }
        return elements;
    }

    /** Batches by their first record; an overtaking barrier as "overtaking n [first records of the overtaken]". */
    private static Object describe(Object element) {
        if (element instanceof RecordBatch b) {
            return b.get(0);
        }
        if (element instanceof OvertakingBarrier o) {
            assertThat(o.barrier().isUnaligned()).isTrue();
            return "overtaking " + o.barrier().checkpointId() + " " + o.overtaken().stream().map(b -> b.get(0)).toList();
        }
        return element;
    }

    @Test
    void unalignedBarrierOvertakesTheQueuedBatchesAndCountsThem() throws Exception {
        ChannelQueue queue = new ChannelQueue(2);
        queue.send(batch(1));
        queue.send(batch(2));
        queue.send(unaligned(7));
        queue.send(EndOfData.INSTANCE);
        assertThat(drain(queue)).containsExactly("overtaking 7 [1, 2]", 1, 2, EndOfData.INSTANCE);
    }

    @Test
    void overtakingBarrierNeverPassesAnEvent() throws Exception {
        ChannelQueue queue = new ChannelQueue(4);
        queue.send(batch(1));
        queue.send(EndOfData.INSTANCE);
        queue.send(batch(2));
        queue.send(unaligned(3));
        assertThat(drain(queue)).containsExactly(1, EndOfData.INSTANCE, "overtaking 3 [2]", 2);
    }

    @Test
    void overtakingBarrierWakesAConsumerWhoseQueueWasNotEmpty() throws Exception {
        ChannelQueue queue = new ChannelQueue(4);
        AtomicInteger woken = new AtomicInteger();
        queue.setAvailabilityListener(woken::incrementAndGet);
        queue.send(batch(1));
        queue.send(batch(2));
        assertThat(woken.get()).isEqualTo(1);
        queue.send(unaligned(1));
        assertThat(woken.get()).isEqualTo(2);
    }

    @Test
    void promotedBarrierMovesAheadOfTheBatchesBeforeIt() throws Exception {
        ChannelQueue queue = new ChannelQueue(4);
        queue.send(batch(1));
        queue.send(batch(2));
        queue.send(timeoutable(5));
        queue.send(batch(3));
        assertThat(queue.promote(5)).isTrue();
        assertThat(drain(queue)).containsExactly("overtaking 5 [1, 2]", 1, 2, 3);
    }

    @Test
    void barrierPromotedBeforeItArrivesOvertakesOnArrival() throws Exception {
        ChannelQueue queue = new ChannelQueue(4);
        queue.send(batch(1));
        assertThat(queue.promote(5)).isFalse();
        queue.send(timeoutable(5));
        queue.send(batch(2));
        // a later checkpoint's barrier stays in order
        queue.send(timeoutable(6));
        assertThat(drain(queue)).containsExactly("overtaking 5 [1]", 1, 2, timeoutable(6));
    }

    @Test
    void timeoutableBarrierQueuedBehindRecordsIsAnnounced() throws Exception {
        ChannelQueue queue = new ChannelQueue(4);
        List<CheckpointBarrier> announced = new ArrayList<>();
        queue.setTimeoutableBarrierListener(announced::add);
        queue.send(batch(1));
        queue.send(timeoutable(2));
        queue.send(new CheckpointBarrier(3, 0, CheckpointType.CHECKPOINT));
        queue.send(unaligned(4));
        assertThat(announced).containsExactly(timeoutable(2));
    }

    @Test
    void pollOvertakingBarrierTakesOnlyABarrierAtTheHead() throws Exception {
        ChannelQueue queue = new ChannelQueue(4);
        queue.send(batch(1));
        assertThat(queue.pollOvertakingBarrier()).isNull();
        queue.send(unaligned(1));
        assertThat(describe(queue.pollOvertakingBarrier())).isEqualTo("overtaking 1 [1]");
        assertThat(drain(queue)).containsExactly(1);
    }

    @Test
    void fullQueueReportsNoRoomAndCallsTheRoomListenerWhenABatchIsTaken() throws Exception {
        ChannelQueue queue = new ChannelQueue(2);
        AtomicInteger room = new AtomicInteger();
        queue.setRoomListener(room::incrementAndGet);
        queue.send(batch(1));
        assertThat(queue.hasRoom()).isTrue();
        queue.send(batch(2));
        assertThat(queue.hasRoom()).isFalse();
        queue.send(unaligned(1));
        assertThat(queue.hasRoom()).as("events need no room").isFalse();
        queue.poll();
        assertThat(room.get()).as("taking the barrier frees no room").isZero();
        queue.poll();
        assertThat(queue.hasRoom()).isTrue();
        assertThat(room.get()).isEqualTo(1);
        queue.poll();
        assertThat(room.get()).isEqualTo(1);
    }

    @Test
    void resultPartitionSendsAnUnalignedBarrierAheadOfTheRecordsNotYetSent() throws Exception {
        ChannelQueue a = new ChannelQueue(1);
        ChannelQueue b = new ChannelQueue(1);
        ResultPartition partition = new ResultPartition(new OutputChannel[] {a, b}, 2);
        partition.emit("x1", 0);
        partition.emit("x2", 0);  // full batch: sent, and a is full now
        partition.emit("x3", 0);
        partition.emit("y1", 1);
        RecordBatch[] overtaken = partition.overtake(unaligned(9));
        assertThat(overtaken[0].size()).isEqualTo(1);
        assertThat(overtaken[0].get(0)).isEqualTo("x3");
        assertThat(overtaken[1].get(0)).isEqualTo("y1");
        assertThat(drain(a)).containsExactly("overtaking 9 [x1]", "x1");
        assertThat(drain(b)).containsExactly("overtaking 9 []");
        // the records not yet sent stay behind the barrier, in order
        partition.flushAll();
        assertThat(drain(a)).containsExactly("x3");
        assertThat(drain(b)).containsExactly("y1");
    }

    @Test
    void inputGateTakesAnOvertakingBarrierBeforeMoreOfTheChannelItIsDraining() throws Exception {
        ChannelQueue a = new ChannelQueue(4);
        ChannelQueue b = new ChannelQueue(4);
        InputGate gate = new InputGate(new ChannelQueue[] {a, b});
        a.send(batch(1));
        a.send(batch(2));
        b.send(batch(10));
        assertThat(describe(gate.pollNext())).isEqualTo(1);
        assertThat(gate.lastChannel()).isZero();
        b.send(unaligned(4));
        assertThat(describe(gate.pollNext())).isEqualTo("overtaking 4 [10]");
        assertThat(gate.lastChannel()).isEqualTo(1);
        // then round robin again: the overtaken batch (still delivered, after its barrier), then a's next
        assertThat(describe(gate.pollNext())).isEqualTo(10);
        assertThat(gate.lastChannel()).isEqualTo(1);
        assertThat(describe(gate.pollNext())).isEqualTo(2);
        assertThat(gate.lastChannel()).isZero();
    }
}
