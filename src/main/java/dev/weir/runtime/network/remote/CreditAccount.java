package dev.weir.runtime.network.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.weir.runtime.metrics.WaitTimer;

/**
 * The producer's view of one remote channel's credit: one credit is room for one batch in the
 * consumer's queue. The first grant also opens the channel: it proves the consumer registered the
 * channel, so from then on events (which need no credit) may flow too.
 *
 * <p>Created by whichever comes first, the producer's registration or the consumer's first
 * CREDIT frame, so registration order on the two workers does not matter.
 */
final class CreditAccount {

    private final int channelId;
    private final int consumerWorker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Written under the lock; read without it by {@link #hasCredit}. */
    private volatile int credits;
    private boolean opened;
    private volatile boolean closed;
    private volatile IOException failure;
    private volatile Runnable onCredit = () -> {};

    CreditAccount(int channelId, int consumerWorker) {
        this.channelId = channelId;
        this.consumerWorker = consumerWorker;
    }

    int consumerWorker() {
        return consumerWorker;
    }

    void grant(int n) {
        lock.lock();
        try {
            credits += n;
            opened = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        onCredit.run();
    }

    /** Called on the connection's reader thread when credit arrives: wakes a producer waiting for room. */
    void setCreditListener(Runnable listener) {
        this.onCredit = listener;
    }

    /** Whether {@link #acquire} would return at once (a closed or failed account does too). */
    boolean hasCredit() {
        return credits > 0 || closed || failure != null;
    }

    /**
     * Takes one credit, waiting for it; false if the data plane closed meanwhile (drop the batch).
     * A wait for credit is the producer's back-pressure: {@code waits} (may be null) times it.
     */
    boolean acquire(WaitTimer waits) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (credits == 0 && !closed && failure == null) {
                awaitCredit(waits);
            }
            if (failure != null) {
                throw lost();
            }
            if (closed) {
                return false;
            }
            credits--;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Must hold the lock. */
    private void awaitCredit(WaitTimer waits) throws InterruptedException {
        if (waits != null) {
            waits.start(System.nanoTime());
        }
        try {
            while (credits == 0 && !closed && failure == null) {
                changed.await();
            }
        } finally {
            if (waits != null) {
                waits.stop(System.nanoTime());
            }
        }
    }

    /** Waits until the consumer opened the channel; false if the data plane closed meanwhile. */
    boolean awaitOpen() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!opened && !closed && failure == null) {
                changed.await();
            }
            if (failure != null) {
                throw lost();
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** The connection to the consumer is gone: blocked and later sends fail. */
    void fail(IOException cause) {
        lock.lock();
        try {
            failure = cause;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        onCredit.run();
    }

    /** The data plane shut down: blocked and later sends return without sending. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        onCredit.run();
    }

    int available() {
        lock.lock();
        try {
            return credits;
        } finally {
            lock.unlock();
        }
    }

    private UncheckedIOException lost() {
        return new PeerConnectionLostException(channelId, consumerWorker,
                failure);
    }
}
