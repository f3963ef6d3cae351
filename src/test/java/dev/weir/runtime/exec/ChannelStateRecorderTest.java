package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.state.serialization.DataInputBuffer;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

class ChannelStateRecorderTest {

    @SuppressWarnings("unchecked")
    private static final TypeSerializer<Object> LONGS = (TypeSerializer<Object>) (TypeSerializer<?>) Types.LONG;

    private static RecordBatch batch(long... values) {
        RecordBatch batch = new RecordBatch(values.length);
        for (long v : values) {
            batch.add(v);
        }
        return batch;
    }

    private static RecordBatch stamped(long... values) {
        RecordBatch batch = new RecordBatch(values.length);
        for (long v : values) {
            batch.add(v, v + 1000);
        }
        return batch;
    }

    /** Each record's event timestamp travels with it into channel state (windows downstream need it on replay). */
    @Test
    void recordsKeepTheirEventTimestamps() throws Exception {
        DataOutputBuffer out = new DataOutputBuffer(64);
        ChannelStateRecorder.writeRecords(LONGS, stamped(7, 8), out, 1);
        DataInputBuffer in = new DataInputBuffer();
        in.reset(out.toByteArray(), 0, out.length());
        assertThat(in.readLong()).isEqualTo(1007);
        assertThat(LONGS.deserialize(in)).isEqualTo(7L);
        assertThat(in.readLong()).isEqualTo(1008);
        assertThat(LONGS.deserialize(in)).isEqualTo(8L);
        assertThat(in.available()).isZero();
    }

    private static List<Long> records(ChannelStateRecorder.Segment segment) throws IOException {
        DataInputBuffer in = new DataInputBuffer();
        in.reset(segment.bytes(), 0, segment.bytes().length);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < segment.records(); i++) {
            long timestamp = in.readLong();
            Long value = (Long) LONGS.deserialize(in);
            // batch() gives no timestamps; stamped() gives each record its value plus 1000
            assertThat(timestamp).isIn(RecordBatch.NO_TIMESTAMP, value + 1000);
            values.add(value);
        }
        assertThat(in.available()).isZero();
        return values;
    }

    private static BitSet pending(int... channels) {
        BitSet set = new BitSet();
        for (int c : channels) {
            set.set(c);
        }
        return set;
    }

    @Test
    void recordsAPendingChannelUntilItsBarrierAndTheBatchesTheBarrierOvertookAtOnce() throws Exception {
        ChannelStateRecorder recorder = new ChannelStateRecorder(3, LONGS, 2, pending(0, 1));
        recorder.batchRead(0, batch(1, 2));
        RecordBatch three = batch(3);
        RecordBatch four = batch(4);
        recorder.barrierArrived(0, List.of(three, four));
        // the overtaken batches are read later, and so is the next checkpoint's data: recorded once, not again
        recorder.batchRead(0, three);
        recorder.batchRead(0, four);
        recorder.batchRead(0, batch(5));
        recorder.batchRead(1, batch(10));
        assertThat(recorder.isComplete()).isFalse();
        recorder.barrierArrived(1, List.of());
        recorder.batchRead(1, batch(11));
        assertThat(recorder.isComplete()).isTrue();
        List<ChannelStateRecorder.Segment> segments = recorder.segments();
        assertThat(segments).extracting(ChannelStateRecorder.Segment::channel).containsExactly(0, 1);
        assertThat(records(segments.get(0))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(records(segments.get(1))).containsExactly(10L);
    }

    @Test
    void channelsThatWereNotPendingOrEndedAddNothing() throws Exception {
        ChannelStateRecorder recorder = new ChannelStateRecorder(3, LONGS, 3, pending(1, 2));
        recorder.batchRead(0, batch(1));
        recorder.barrierArrived(1, List.of());
        recorder.batchRead(2, batch(7));
        recorder.channelFinished(2);
        recorder.batchRead(2, batch(8));
        assertThat(recorder.isComplete()).isTrue();
        assertThat(recorder.segments()).extracting(ChannelStateRecorder.Segment::channel).containsExactly(2);
        assertThat(records(recorder.segments().get(0))).containsExactly(7L);
    }
}
