package dev.weir.runtime.network;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.metrics.WaitTimer;

/**
 * The producer side of one output edge of a subtask: one channel per downstream subtask, each with
 * a batch being filled. Events flush the pending batches first, so they never overtake records;
 * only an unaligned barrier does ({@link #overtake}).
 */
public final class ResultPartition {

    private final String edgeId;
    private final TypeSerializer<Object> serializer;
    private final OutputChannel[] channels;
    private final RecordBatch[] pending;
    private final int batchSize;
    private long recordsOut;

    /** For tests that never take unaligned checkpoints. */
    public ResultPartition(OutputChannel[] channels, int batchSize) {
        this("test", null, channels, batchSize);
    }

    /**
     * @param edgeId the job edge this partition feeds (names its channel state)
     * @param serializer the edge's record serializer: persists records an unaligned barrier overtakes
     */
    public ResultPartition(String edgeId, TypeSerializer<Object> serializer, OutputChannel[] channels, int batchSize) {
        this.edgeId = edgeId;
        this.serializer = serializer;
        this.channels = channels.clone();
        this.pending = new RecordBatch[channels.length];
        this.batchSize = batchSize;
        for (int i = 0; i < channels.length; i++) {
            pending[i] = channels[i].newBatch(batchSize);
        }
    }

    public String edgeId() {
        return edgeId;
    }

    public TypeSerializer<Object> serializer() {
        return serializer;
    }

    /** The producing task's back-pressure timer, started whenever a channel makes it wait for room. */
    public void measureWaitsWith(WaitTimer producerWaits) {
        for (OutputChannel channel : channels) {
            channel.measureWaitsWith(producerWaits);
        }
    }

    public int numberOfChannels() {
        return channels.length;
    }

    public void emit(Object record, int channel) throws InterruptedException {
        emit(record, RecordBatch.NO_TIMESTAMP, channel);
    }

    public void emit(Object record, long timestamp, int channel) throws InterruptedException {
        recordsOut++;
        if (pending[channel].add(record, timestamp)) {
            flush(channel);
        }
    }

    public void broadcastEvent(Object event) throws InterruptedException {
        flushAll();
        for (OutputChannel channel : channels) {
            channel.send(event);
        }
    }

    /**
     * Sends an unaligned barrier ahead of the records not yet sent, never waiting for room. The
     * batches being filled stay behind it (downstream takes them as records of the next checkpoint)
     * and are returned by channel, for the checkpoint's output channel state: read them before the
     * next {@link #emit}.
     */
    public RecordBatch[] overtake(CheckpointBarrier barrier) throws InterruptedException {
        if (!barrier.isUnaligned()) {
            throw new IllegalArgumentException("only an unaligned barrier overtakes records: " + barrier);
        }
        for (OutputChannel channel : channels) {
            channel.send(barrier);
        }
        return pending.clone();
    }

    public void flushAll() throws InterruptedException {
        for (int i = 0; i < channels.length; i++) {
            if (!pending[i].isEmpty()) {
                flush(i);
            }
        }
    }

    /** Sends the pending batches of the channels that have room; never waits. */
    public void flushWhereRoom() throws InterruptedException {
        for (int i = 0; i < channels.length; i++) {
            if (!pending[i].isEmpty() && channels[i].hasRoom()) {
                flush(i);
            }
        }
    }

    /** Whether every channel would take a batch now without waiting. */
    public boolean hasRoom() {
        for (OutputChannel channel : channels) {
            if (!channel.hasRoom()) {
                return false;
            }
        }
        return true;
    }

    public void setRoomListener(Runnable listener) {
        for (OutputChannel channel : channels) {
            channel.setRoomListener(listener);
        }
    }

    private void flush(int channel) throws InterruptedException {
        RecordBatch full = pending[channel];
        pending[channel] = channels[channel].newBatch(batchSize);
        channels[channel].send(full);
    }

    public long recordsOut() {
        return recordsOut;
    }
}
