package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.ChannelStateHandle;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.exec.operators.RecordTimestamp;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

class ChannelStateReplayTest {

    @SuppressWarnings("unchecked")
    private static final TypeSerializer<Object> LONGS = (TypeSerializer<Object>) (TypeSerializer<?>) Types.LONG;

    /**
     * In-flight records of an unaligned checkpoint reach the restored task's chain with the event
     * timestamps they travelled with: an event-time window downstream places them by it, and a
     * record without one would fail the job.
     */
    @Test
    void replayedRecordsCarryTheirEventTimestamps() throws Exception {
        RecordBatch batch = new RecordBatch(3);
        batch.add(1L, 5_000);
        batch.add(2L, RecordBatch.NO_TIMESTAMP);
        batch.add(3L, 7_000);
        DataOutputBuffer bytes = new DataOutputBuffer(64);
        ChannelStateRecorder.writeRecords(LONGS, batch, bytes, 4);
        byte[] object = bytes.toByteArray();
        ChannelStateHandle handle = new ChannelStateHandle("e1", 0, 0, ChannelStateHandle.Kind.INPUT, 3,
                new StateHandle("chk-4/channel", 0, object.length));
        TaskRestore restore = new TaskRestore(4, "chk-4", Map.of(), List.of(handle), false);
        RecordTimestamp timestamp = new RecordTimestamp();
        List<String> seen = new ArrayList<>();

        long replayed = ChannelStateReplay.replay(restore, LONGS, new Partitioning.Forward(), 128, new KeyGroupRange(0, 127),
                (state, objects) -> object, record -> seen.add(record + "@" + timestamp.get()), timestamp);

        assertThat(replayed).isEqualTo(3);
        assertThat(seen).containsExactly("1@5000", "2@" + RecordBatch.NO_TIMESTAMP, "3@7000");
    }

    /**
     * A task of two input edges (say a keyed connect) restored at another parallelism: each edge's
     * records are read with its own serializer and go to the head input that edge feeds; of a keyed
     * edge only the records of this subtask's key groups, of a rebalanced edge all assigned to it.
     */
    @Test
    @SuppressWarnings("unchecked")
    void eachEdgesRecordsGoToItsOwnInputWithItsOwnSerializer() throws Exception {
        TypeSerializer<Object> strings = (TypeSerializer<Object>) (TypeSerializer<?>) Types.STRING;
        DataOutputBuffer bytes = new DataOutputBuffer(256);
        RecordBatch longs = new RecordBatch(4);
        for (long i = 0; i < 4; i++) {
            longs.add(i, RecordBatch.NO_TIMESTAMP);
        }
        ChannelStateRecorder.writeRecords(LONGS, longs, bytes, 4);
        int firstLength = bytes.length();
        RecordBatch words = new RecordBatch(2);
        words.add("x", RecordBatch.NO_TIMESTAMP);
        words.add("y", RecordBatch.NO_TIMESTAMP);
        ChannelStateRecorder.writeRecords(strings, words, bytes, 4);
        byte[] object = bytes.toByteArray();
        List<ChannelStateHandle> handles = List.of(
                new ChannelStateHandle("a->f", 1, 0, ChannelStateHandle.Kind.INPUT, 4,
                        new StateHandle("chk-4/channel", 0, firstLength)),
                new ChannelStateHandle("b->f#1", 0, 1, ChannelStateHandle.Kind.INPUT, 2,
                        new StateHandle("chk-4/channel", firstLength, object.length - firstLength)));
        TaskRestore restore = new TaskRestore(4, "chk-4", Map.of(), handles, true);
        KeyGroupRange range = new KeyGroupRange(0, 63);
        List<Object> first = new ArrayList<>();
        List<Object> second = new ArrayList<>();
        Partitioning.KeyBy<Long, Long> keyed = new Partitioning.KeyBy<>(i -> i, Types.LONG);

        long replayed = ChannelStateReplay.replay(restore, Map.of(
                        "a->f", new ChannelStateReplay.EdgeInput(LONGS, keyed, first::add),
                        "b->f#1", new ChannelStateReplay.EdgeInput(strings, new Partitioning.Rebalance(), second::add)),
                128, range, (state, objects) -> java.util.Arrays.copyOfRange(object, (int) state.offset(),
                        (int) state.offset() + state.length()), new RecordTimestamp());

        List<Object> ownKeys = new ArrayList<>();
        for (long i = 0; i < 4; i++) {
            if (range.contains(dev.weir.runtime.state.KeyGroupAssignment.keyGroupFor(i, 128))) {
                ownKeys.add(i);
            }
        }
        assertThat(ownKeys).as("the test needs keys on both sides").isNotEmpty().hasSizeLessThan(4);
        assertThat(first).isEqualTo(ownKeys);
        assertThat(second).containsExactly("x", "y");
        assertThat(replayed).isEqualTo(ownKeys.size() + 2);
    }
}
