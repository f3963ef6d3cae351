package dev.weir.runtime.network;

import dev.weir.runtime.metrics.WaitTimer;

/**
 * The producer's end of a channel: a local queue, or (across processes) a connection to the
 * consumer's worker. {@link #send} blocks while the consumer has no room: that is backpressure.
 */
public interface OutputChannel {
    /** Sends a {@link RecordBatch} (ownership passes to the channel) or an event. */
    void send(Object element) throws InterruptedException;

    /** A batch to fill next; channels may recycle batches the consumer has finished with. */
    RecordBatch newBatch(int capacity);

    /**
     * Whether sending a batch now would not wait for the consumer. A task checks its outputs before
     * it takes more input, so that under backpressure it waits where it still sees checkpoint
     * triggers and overtaking barriers, not inside a send.
     */
    boolean hasRoom();

    /** Called (on another thread) when a channel without room gets some; wakes the producer. */
    void setRoomListener(Runnable listener);

    /**
     * The producer's back-pressure timer: {@link #send} starts it when it has to wait for room and
     * stops it when the wait is over. Set once, before the producer runs.
     */
    default void measureWaitsWith(WaitTimer producerWaits) {}
}
