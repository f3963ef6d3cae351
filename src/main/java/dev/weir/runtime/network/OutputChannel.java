package dev.weir.runtime.network;

/**
 * The producer's end of one channel: a local queue, or (across processes) a connection to the
 * consumer's worker. {@link #send} blocks while the consumer has no room: that is backpressure.
 */
public interface OutputChannel {
    /** Sends a {@link RecordBatch} (ownership passes to the channel) or an event. */
    void send(Object element) throws InterruptedException;

    /** A batch to fill next; channels may recycle batches the consumer has finished with. */
    RecordBatch newBatch(int capacity);
}
