package dev.weir.runtime.network;

/**
 * The producer side of one output edge of a subtask: one channel per downstream subtask, each with
 * a batch being filled. Events flush the pending batches first, so they never overtake records.
 */
public final class ResultPartition {

    private final OutputChannel[] channels;
    private final RecordBatch[] pending;
    private final int batchSize;
    private long recordsOut;

    public ResultPartition(OutputChannel[] channels, int batchSize) {
        this.channels = channels.clone();
        this.pending = new RecordBatch[channels.length];
        this.batchSize = batchSize;
        for (int i = 0; i < channels.length; i++) {
            pending[i] = channels[i].newBatch(batchSize);
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

    public void flushAll() throws InterruptedException {
        for (int i = 0; i < channels.length; i++) {
            if (!pending[i].isEmpty()) {
                flush(i);
            }
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
