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
}
