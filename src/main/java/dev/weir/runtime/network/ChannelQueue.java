package dev.weir.runtime.network;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.weir.runtime.metrics.WaitTimer;

/**
 * A bounded queue of batches and events between one producer and one consumer. The bound counts
 * batches only: events are always taken, so a queue holding {@code capacity} batches still takes
 * a barrier, and a remote channel that granted {@code capacity} credits never blocks its
 * connection's reader. A full queue blocks the producer; the consumer is woken when the queue goes
 * from empty to non-empty. Batches the consumer is done with come back through {@link #recycle} so
 * producers reuse them.
 */
public final class ChannelQueue implements OutputChannel {

    private final int capacity;
    private final ArrayDeque<Object> elements;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final ConcurrentLinkedQueue<RecordBatch> recycled = new ConcurrentLinkedQueue<>();
    private int batches;
    private volatile Runnable onAvailable = () -> {};
    private volatile Runnable onBatchConsumed = () -> {};
    private volatile boolean closed;
    private volatile WaitTimer producerWaits;

    public ChannelQueue(int capacity) {
        this.capacity = capacity;
        this.elements = new ArrayDeque<>(capacity);
    }

    /** Called (on the producer's thread) when data becomes available to an idle consumer. */
    public void setAvailabilityListener(Runnable listener) {
        this.onAvailable = listener;
    }

    /** Called on the consumer's thread each time it takes a batch out (a remote channel announces credit). */
    public void setBatchConsumedListener(Runnable listener) {
        this.onBatchConsumed = listener;
    }

    @Override
    public void send(Object element) throws InterruptedException {
        boolean wasEmpty;
        lock.lockInterruptibly();
        try {
            // Events are never refused: a full queue must still take a barrier or end marker.
            boolean isBatch = element instanceof RecordBatch;
            if (isBatch && batches >= capacity && !closed) {
                awaitRoom();
            }
            if (closed) {
                return;
            }
            wasEmpty = elements.isEmpty();
            elements.addLast(element);
            if (isBatch) {
                batches++;
            }
        } finally {
            lock.unlock();
        }
        if (wasEmpty) {
            onAvailable.run();
        }
    }

    /** Must hold the lock: the producer waits for room, its back-pressure timer running meanwhile. */
    private void awaitRoom() throws InterruptedException {
        WaitTimer waits = producerWaits;
        if (waits != null) {
            waits.start(System.nanoTime());
        }
        try {
            while (batches >= capacity && !closed) {
                notFull.await();
            }
        } finally {
            if (waits != null) {
                waits.stop(System.nanoTime());
            }
        }
    }

    @Override
    public void measureWaitsWith(WaitTimer waits) {
        this.producerWaits = waits;
    }

    /** The next element, or null if none is queued. Never blocks. */
    public Object poll() {
        Object element;
        boolean isBatch;
        lock.lock();
        try {
            element = elements.pollFirst();
            isBatch = element instanceof RecordBatch;
            if (isBatch && batches-- == capacity) {
                notFull.signal();
            }
        } finally {
            lock.unlock();
        }
        if (isBatch) {
            onBatchConsumed.run();
        }
        return element;
    }

    public boolean isEmpty() {
        lock.lock();
        try {
            return elements.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return elements.size();
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Wakes and releases a blocked producer; later sends are dropped (the attempt is over). */
    public void close() {
        lock.lock();
        try {
            closed = true;
            elements.clear();
            batches = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void recycle(RecordBatch batch) {
        if (recycled.size() < capacity + 2) {
            batch.clear();
            recycled.offer(batch);
        }
    }

    @Override
    public RecordBatch newBatch(int batchCapacity) {
        RecordBatch batch = recycled.poll();
        return batch != null && batch.capacity() == batchCapacity ? batch : new RecordBatch(batchCapacity);
    }
}
