package dev.weir.testing;

import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Failure injection for in-process tests: the test arms a failure, and the next task that
 * passes the matching point throws. Static because the job's functions are built by the engine.
 */
public final class Chaos {

    public enum Point {
        /** A record passes a user function. */
        RECORD,
        /** A sink got "checkpoint complete" and is about to commit. */
        BEFORE_COMMIT
    }

    private static final AtomicReference<Point> ARMED = new AtomicReference<>();
    private static final AtomicInteger FIRED = new AtomicInteger();

    private Chaos() {}

    public static void arm(Point point) {
        ARMED.set(point);
    }

    public static boolean isArmed() {
        return ARMED.get() != null;
    }

    public static int fired() {
        return FIRED.get();
    }

    public static void reset() {
        ARMED.set(null);
        FIRED.set(0);
    }

    /**
     * Up to {@code rounds} times while the job runs: after the next checkpoint completes and a
     * random pause, arms a failure (alternating a record in a user function and the moment between
     * "checkpoint complete" and the sink's commit) and waits until it struck and the job restarted.
     * Returns how many struck.
     */
    public static int strikeAfterCheckpoints(int rounds, Random random, AtomicLong completed, AtomicLong attempts,
                                             Future<?> job) throws InterruptedException {
        int injected = 0;
        for (int i = 0; i < rounds && !job.isDone(); i++) {
            long seen = completed.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (completed.get() <= seen && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(random.nextInt(150));
            arm(i % 2 == 0 ? Point.RECORD : Point.BEFORE_COMMIT);
            long attempt = attempts.get();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (isArmed() && !job.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            if (!isArmed()) {
                injected++;
                while (attempts.get() == attempt && !job.isDone()) {
                    Thread.sleep(2);
                }
            }
            reset();
        }
        return injected;
    }

    /** Throws once if {@code point} is armed. */
    public static void maybeFail(Point point) {
        if (ARMED.get() == point && ARMED.compareAndSet(point, null)) {
            FIRED.incrementAndGet();
            throw new InjectedFailure("injected failure at " + point);
        }
    }

    public static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String message) {
            super(message);
        }
    }
}
