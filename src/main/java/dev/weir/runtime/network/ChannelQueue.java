package dev.weir.runtime.network;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue of batches and events between one producer and one consumer. A full queue
 * blocks the producer; the consumer is woken when the queue goes from empty to non-empty. Batches
 * the consumer is done with come back through {@link #recycle} so producers reuse them.
 */
public final class ChannelQueue implements OutputChannel {

    private final int capacity;
    private final ArrayDeque<Object> elements;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final ConcurrentLinkedQueue<RecordBatch> recycled = new ConcurrentLinkedQueue<>();
    private volatile Runnable onAvailable = () -> {};
    private volatile boolean closed;

    public ChannelQueue(int capacity) {
        this.capacity = capacity;
        this.elements = new ArrayDeque<>(capacity);
    }

    /** Called (on the producer's thread) when data becomes available to an idle consumer. */
    public void setAvailabilityListener(Runnable listener) {
        this.onAvailable = listener;
    }

    @Override
    public void send(Object element) throws InterruptedException {
        boolean wasEmpty;
        lock.lockInterruptibly();
        try {
            // Events are never refused: a full queue must still take a barrier or end marker.
            boolean isBatch = element instanceof RecordBatch;
            while (isBatch && elements.size() >= capacity && !closed) {
                notFull.await();
            }
            if (closed) {
                return;
            }
            wasEmpty = elements.isEmpty();
            elements.addLast(element);
        } finally {
            lock.unlock();
        }
        if (wasEmpty) {
            onAvailable.run();
        }
    }

    /** The next element, or null if none is queued. Never blocks. */
    public Object poll() {
        lock.lock();
        try {
            Object element = elements.pollFirst();
            if (element != null && elements.size() == capacity - 1) {
                notFull.signal();
            }
            return element;
        } finally {
            lock.unlock();
        }
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
