package dev.weir.runtime.network;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.weir.runtime.checkpoint.CheckpointBarrier;

import dev.weir.runtime.metrics.WaitTimer;

/**
 * A bounded queue of batches and events between one producer and one consumer. The bound counts
 * batches only: events are always taken, so a queue holding {@code capacity} batches still takes
 * a barrier, and a remote channel that granted {@code capacity} credits never blocks its
 * connection's reader. A full queue blocks the producer; the consumer is woken when the queue goes
 * from empty to non-empty. Batches the consumer is done with come back through {@link #recycle} so
 * producers reuse them.
 *
 * <p>Unaligned checkpoints: an unaligned barrier does not queue behind the batches; it is inserted
 * ahead of the trailing run of batches (never ahead of another event), and {@link #promote} moves
 * an aligned barrier there once its alignment timed out. Both wake the consumer even if the queue
 * was not empty, since a consumer waiting for room in its own outputs still takes barriers. The
 * consumer takes such a barrier as an {@link OvertakingBarrier} holding the batches it overtook.
 */
public final class ChannelQueue implements OutputChannel {

    /** A barrier queued ahead of the {@code overtakenBatches} batches right behind it. */
    private record QueuedOvertakingBarrier(CheckpointBarrier barrier, int overtakenBatches) {}

    private final int capacity;
    private final ArrayDeque<Object> elements;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final ConcurrentLinkedQueue<RecordBatch> recycled = new ConcurrentLinkedQueue<>();
    /** Written under the lock; read without it by {@link #hasRoom}. */
    private volatile int batches;
    private volatile Runnable onAvailable = () -> {};
    private volatile Runnable onBatchConsumed = () -> {};
    private volatile Runnable onRoom = () -> {};
    private volatile Runnable onOvertakingBarrier = () -> {};
    private volatile Consumer<CheckpointBarrier> onTimeoutableBarrier = barrier -> {};
    /** A checkpoint whose alignment timed out before its barrier got here: that barrier overtakes. */
    private long promotedCheckpointId = -1;
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

    /** Called on the consumer's thread when a full queue gets room again (wakes a local producer). */
    @Override
    public void setRoomListener(Runnable listener) {
        this.onRoom = listener;
    }

    /** Called after a barrier was queued ahead of batches (before the consumer is woken). */
    public void setOvertakingBarrierListener(Runnable listener) {
        this.onOvertakingBarrier = listener;
    }

    /**
     * Called on the sender's thread when an aligned barrier that may time out was queued behind
     * records: the consumer learns of the checkpoint before the barrier reaches the queue's head.
     */
    public void setTimeoutableBarrierListener(Consumer<CheckpointBarrier> listener) {
        this.onTimeoutableBarrier = listener;
    }

    @Override
    public void send(Object element) throws InterruptedException {
        boolean wasEmpty;
        boolean overtook = false;
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
            if (element instanceof CheckpointBarrier barrier
                    && (barrier.isUnaligned() || (barrier.canTimeOut() && barrier.checkpointId() == promotedCheckpointId))) {
                insertOvertaking(barrier, elements.size());
                overtook = true;
            } else {
                elements.addLast(element);
                if (isBatch) {
                    batches++;
                }
            }
        } finally {
            lock.unlock();
        }
        if (overtook) {
            onOvertakingBarrier.run();
        }
        if (wasEmpty || overtook) {
            onAvailable.run();
        }
        if (!overtook && element instanceof CheckpointBarrier barrier && barrier.canTimeOut()) {
            onTimeoutableBarrier.accept(barrier);
        }
    }

    /**
     * The alignment of {@code checkpointId} timed out: its barrier, if queued here, now overtakes
     * the batches ahead of it; if it has not arrived yet, it will overtake when it does.
     *
     * @return whether the barrier was queued here
     */
    public boolean promote(long checkpointId) {
        boolean found = false;
        lock.lock();
        try {
            int position = 0;
            for (Object element : elements) {
                if (element instanceof CheckpointBarrier barrier && barrier.checkpointId() == checkpointId
                        && barrier.canTimeOut()) {
                    found = true;
                    break;
                }
                position++;
            }
            if (found) {
                Object[] all = elements.toArray();
                elements.clear();
                for (int i = 0; i < all.length; i++) {
                    if (i != position) {
                        elements.addLast(all[i]);
                    }
                }
                insertOvertaking((CheckpointBarrier) all[position], position);
            } else {
                promotedCheckpointId = checkpointId;
            }
        } finally {
            lock.unlock();
        }
        if (found) {
            onOvertakingBarrier.run();
            onAvailable.run();
        }
        return found;
    }

    /**
     * Must hold the lock. Inserts the barrier ahead of the run of batches that ends at
     * {@code position} (the barrier's place in order), so it never overtakes an event.
     */
    private void insertOvertaking(CheckpointBarrier barrier, int position) {
        Object[] all = elements.toArray();
        int insertAt = position;
        while (insertAt > 0 && all[insertAt - 1] instanceof RecordBatch) {
            insertAt--;
        }
        elements.clear();
        for (int i = 0; i < all.length; i++) {
            if (i == insertAt) {
                elements.addLast(new QueuedOvertakingBarrier(barrier.toUnaligned(), position - insertAt));
            }
            elements.addLast(all[i]);
        }
        if (insertAt == all.length) {
            elements.addLast(new QueuedOvertakingBarrier(barrier.toUnaligned(), position - insertAt));
        }
    }

    /** The queue's head if it is an overtaking barrier (taken out), else null. Never blocks. */
    public OvertakingBarrier pollOvertakingBarrier() {
        lock.lock();
        try {
            return elements.peekFirst() instanceof QueuedOvertakingBarrier ? takeOvertakingBarrier() : null;
        } finally {
            lock.unlock();
        }
    }

    /** Must hold the lock, with an overtaking barrier at the head: takes it, with the batches it overtook. */
    private OvertakingBarrier takeOvertakingBarrier() {
        QueuedOvertakingBarrier queued = (QueuedOvertakingBarrier) elements.pollFirst();
        List<RecordBatch> overtaken = new ArrayList<>(queued.overtakenBatches());
        Iterator<Object> behind = elements.iterator();
        for (int i = 0; i < queued.overtakenBatches(); i++) {
            overtaken.add((RecordBatch) behind.next());
        }
        return new OvertakingBarrier(queued.barrier(), overtaken);
    }

    /** Whether a batch sent now would be taken without waiting (closed queues drop it at once). */
    @Override
    public boolean hasRoom() {
        return batches < capacity || closed;
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
        boolean wasFull;
        lock.lock();
        try {
            element = elements.peekFirst() instanceof QueuedOvertakingBarrier ? takeOvertakingBarrier()
                    : elements.pollFirst();
            isBatch = element instanceof RecordBatch;
            wasFull = isBatch && batches-- == capacity;
            if (wasFull) {
                notFull.signal();
            }
        } finally {
            lock.unlock();
        }
        if (isBatch) {
            onBatchConsumed.run();
            if (wasFull) {
                onRoom.run();
            }
        }
        return element;
    }

    /**
     * Batches queued, read without the lock. Only the producer adds and only the consumer takes, so
     * the consumer reading it after its own poll sees 0 only if it has taken every batch sent so far.
     */
    public int queuedBatches() {
        return batches;
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
