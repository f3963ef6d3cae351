package dev.weir.testing;

import java.util.concurrent.atomic.AtomicInteger;
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
