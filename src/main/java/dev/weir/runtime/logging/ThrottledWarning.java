package dev.weir.runtime.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * A warning that anyone on the network can cause (a refused connection, a closed idle socket):
 * logged at most once per interval, with the number of occurrences since the last line, so a
 * flood of them cannot flood the log too. Occurrences in between go to DEBUG.
 */
public final class ThrottledWarning {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong lastWarning;
    private final AtomicLong suppressed = new AtomicLong();

    public ThrottledWarning(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.lastWarning = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /** Logs {@code message} (SLF4J format) at WARN unless one was logged within the interval. */
    public void warn(String message, Object... args) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= intervalNanos && lastWarning.compareAndSet(last, now)) {
            long before = suppressed.getAndSet(0);
            log.warn(before == 0 ? message : message + " (and " + before + " more since the last such warning)", args);
        } else {
            suppressed.incrementAndGet();
            log.debug(message, args);
        }
    }
}
