package dev.weir.runtime.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Records the input channel state of one unaligned checkpoint of a task, on the task thread: for
 * each channel that had not delivered the barrier when the task snapshotted, every batch the task
 * reads from it until the barrier arrives, and then at once the batches the barrier overtook (still
 * queued behind it). The task still processes all of them (they come after its snapshot); a
 * restore replays them instead.
 */
final class ChannelStateRecorder {

    /** What one channel contributed: {@code records} records as the edge's serializer wrote them. */
    record Segment(int channel, int records, byte[] bytes) {}

    private final long checkpointId;
    /** Per channel: its edge's record serializer. */
    private final TypeSerializer<Object>[] serializers;
    /** The channels whose barrier has not arrived yet. */
    private final BitSet beforeBarrier;
    private final int[] records;
    private final DataOutputBuffer[] buffers;

    /** @param pending the channels whose barrier has not arrived: their records are recorded until it does */
    ChannelStateRecorder(long checkpointId, TypeSerializer<Object> serializer, int channels, BitSet pending) {
        this(checkpointId, sameFor(serializer, channels), pending);
    }

    /** @param serializers per channel, the serializer of its edge's records */
    ChannelStateRecorder(long checkpointId, TypeSerializer<Object>[] serializers, BitSet pending) {
        int channels = serializers.length;
        for (int c = pending.nextSetBit(0); c >= 0 && c < channels; c = pending.nextSetBit(c + 1)) {
            if (serializers[c] == null) {
                throw new IllegalStateException("unaligned checkpoint " + checkpointId + ": the input has no record serializer");
            }
        }
        this.checkpointId = checkpointId;
        this.serializers = serializers;
        this.beforeBarrier = pending.get(0, channels);
        this.records = new int[channels];
        this.buffers = new DataOutputBuffer[channels];
    }

    long checkpointId() {
        return checkpointId;
    }

    /** A batch the task is about to process from {@code channel}: recorded if it belongs to the checkpoint. */
    void batchRead(int channel, RecordBatch batch) {
        if (beforeBarrier.get(channel)) {
            write(channel, batch);
        }
    }

    /** The channel's barrier arrived, overtaking {@code overtaken}: sent before it, still to be read. */
    void barrierArrived(int channel, List<RecordBatch> overtaken) {
        if (beforeBarrier.get(channel)) {
            for (RecordBatch batch : overtaken) {
                write(channel, batch);
            }
            beforeBarrier.clear(channel);
        }
    }

    /** The channel ended: nothing more of it belongs to the checkpoint. */
    void channelFinished(int channel) {
        beforeBarrier.clear(channel);
    }

    boolean isComplete() {
        return beforeBarrier.isEmpty();
    }

    /** The recorded channels, in channel order; only once complete. */
    List<Segment> segments() {
        if (!isComplete()) {
            throw new IllegalStateException("channel state of checkpoint " + checkpointId + " is not complete");
        }
        List<Segment> segments = new ArrayList<>();
        for (int c = 0; c < buffers.length; c++) {
            if (records[c] > 0) {
                segments.add(new Segment(c, records[c], buffers[c].toByteArray()));
            }
        }
        return segments;
    }

    private void write(int channel, RecordBatch batch) {
        DataOutputBuffer out = buffers[channel];
        if (out == null) {
            out = buffers[channel] = new DataOutputBuffer(4096);
        }
        writeRecords(serializers[channel], batch, out, checkpointId);
        records[channel] += batch.size();
    }

    @SuppressWarnings("unchecked")
    private static TypeSerializer<Object>[] sameFor(TypeSerializer<Object> serializer, int channels) {
        TypeSerializer<Object>[] serializers = new TypeSerializer[channels];
        java.util.Arrays.fill(serializers, serializer);
        return serializers;
    }

    /**
     * Appends the batch's records as channel state: each its event timestamp (or
     * {@link RecordBatch#NO_TIMESTAMP}), then the record by the edge's record serializer.
     */
    static void writeRecords(TypeSerializer<Object> serializer, RecordBatch batch, DataOutputBuffer out,
                             long checkpointId) {
        try {
            for (int i = 0, n = batch.size(); i < n; i++) {
                out.writeLong(batch.timestamp(i));
                serializer.serialize(batch.get(i), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint " + checkpointId + ": cannot persist an in-flight record", e);
        }
    }
}
