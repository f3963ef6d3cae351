package dev.weir.connectors.file;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When {@link ExactlyOnceFileSink} and {@link ExactlyOnceS3Sink} start a new file before the next
 * barrier (every barrier ends the open file anyway): once it holds {@code maxBytes}, or once it is
 * {@code rolloverIntervalMs} old. Both are checked when a record arrives, before it is written, so
 * files end at line boundaries, a file can exceed the size by one line, and a file that receives
 * nothing waits for the barrier.
 *
 * @param clockMs a monotonic millisecond clock (tests pass their own)
 */
record RollingPolicy(long maxBytes, long rolloverIntervalMs, LongSupplier clockMs) {

    static final long UNLIMITED = Long.MAX_VALUE;

    /** One file per subtask and checkpoint. */
    static final RollingPolicy AT_BARRIERS = new RollingPolicy(UNLIMITED, UNLIMITED, () -> System.nanoTime() / 1_000_000);

    RollingPolicy {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the maximum file size must be positive, got " + maxBytes);
        }
        if (rolloverIntervalMs <= 0) {
            throw new IllegalArgumentException("the rollover interval must be positive, got " + rolloverIntervalMs + " ms");
        }
    }

    RollingPolicy withMaxBytes(long bytes) {
        return new RollingPolicy(bytes, rolloverIntervalMs, clockMs);
    }

    RollingPolicy withRolloverInterval(Duration interval) {
        return new RollingPolicy(maxBytes, interval.toMillis(), clockMs);
    }

    RollingPolicy withClock(LongSupplier clock) {
        return new RollingPolicy(maxBytes, rolloverIntervalMs, clock);
    }

    /** The time a file opened now is aged from (not read when there is no interval). */
    long openedAt() {
        return rolloverIntervalMs == UNLIMITED ? 0 : clockMs.getAsLong();
    }

    boolean shouldRoll(long bytes, long openedAt) {
        return bytes >= maxBytes || (rolloverIntervalMs != UNLIMITED && clockMs.getAsLong() - openedAt >= rolloverIntervalMs);
    }
}
