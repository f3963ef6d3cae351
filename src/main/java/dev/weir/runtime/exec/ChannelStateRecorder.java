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
 * reads from it until the barrier arrives, then the batches the barrier overtook. The task still
 * processes all of them (they come after its snapshot); a restore replays them instead.
 */
final class ChannelStateRecorder {

    /** What one channel contributed: {@code records} records as the edge's serializer wrote them. */
    record Segment(int channel, int records, byte[] bytes) {}

    private static final byte DONE = 0;
    private static final byte BEFORE_BARRIER = 1;
    private static final byte OVERTAKEN = 2;

    private final long checkpointId;
    private final TypeSerializer<Object> serializer;
    private final byte[] channelState;
    private final int[] overtakenLeft;
    private final int[] records;
    private final DataOutputBuffer[] buffers;
    private int open;

    /** @param pending the channels whose barrier has not arrived: their records are recorded until it does */
    ChannelStateRecorder(long checkpointId, TypeSerializer<Object> serializer, int channels, BitSet pending) {
        if (serializer == null) {
            throw new IllegalStateException("unaligned checkpoint " + checkpointId + ": the input has no record serializer");
        }
        this.checkpointId = checkpointId;
        this.serializer = serializer;
        this.channelState = new byte[channels];
        this.overtakenLeft = new int[channels];
        this.records = new int[channels];
        this.buffers = new DataOutputBuffer[channels];
        for (int c = pending.nextSetBit(0); c >= 0 && c < channels; c = pending.nextSetBit(c + 1)) {
            channelState[c] = BEFORE_BARRIER;
            open++;
        }
    }

    long checkpointId() {
        return checkpointId;
    }

    /** A batch the task is about to process from {@code channel}: recorded if it belongs to the checkpoint. */
    void batchRead(int channel, RecordBatch batch) {
        byte state = channelState[channel];
        if (state == DONE) {
            return;
        }
        write(channel, batch);
        if (state == OVERTAKEN && --overtakenLeft[channel] == 0) {
            done(channel);
        }
    }

    /** The channel's barrier arrived; the next {@code overtakenBatches} batches were sent before it. */
    void barrierArrived(int channel, int overtakenBatches) {
        if (channelState[channel] != BEFORE_BARRIER) {
            return;
        }
        if (overtakenBatches == 0) {
            done(channel);
        } else {
            channelState[channel] = OVERTAKEN;
            overtakenLeft[channel] = overtakenBatches;
        }
    }

    /** The channel ended: nothing more of it belongs to the checkpoint. */
    void channelFinished(int channel) {
        if (channelState[channel] != DONE) {
            done(channel);
        }
    }

    boolean isComplete() {
        return open == 0;
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
        writeRecords(serializer, batch, out, checkpointId);
        records[channel] += batch.size();
    }

    /** Appends the batch's records as channel state: each written by the edge's record serializer. */
    static void writeRecords(TypeSerializer<Object> serializer, RecordBatch batch, DataOutputBuffer out,
                             long checkpointId) {
        try {
            for (int i = 0, n = batch.size(); i < n; i++) {
                serializer.serialize(batch.get(i), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint " + checkpointId + ": cannot persist an in-flight record", e);
        }
    }

    private void done(int channel) {
        channelState[channel] = DONE;
        overtakenLeft[channel] = 0;
        open--;
    }
}
