package dev.weir.connectors.generator;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How many records a reader may emit so far: {@code rate * elapsed}, counted from its first poll.
 * Computed once per poll, never per record, so the hot loop stays free of clock reads.
 *
 * <p>A reader that fell behind (a starved CPU, back-pressure, a slow checkpoint) may catch up by at
 * most {@link #MAX_BURST_NANOS} worth of records, as Guava's RateLimiter saves up at most a second of
 * permits: the rate stays a ceiling. Without the bound, a source stalled for six seconds on a busy
 * machine then emitted at three times its rate, and a job meant to run for ten seconds ended in four.
 */
final class RateLimit {

    static final long MAX_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final double recordsPerNano;
    private final LongSupplier nanoClock;
    private long startNanos = Long.MIN_VALUE;

    RateLimit(double recordsPerSecond, LongSupplier nanoClock) {
        this.recordsPerNano = recordsPerSecond / 1_000_000_000d;
        this.nanoClock = nanoClock;
    }

    /** How many more records may go out now, given how many went out since the first poll. */
    long allowance(long emittedSoFar) {
        long now = nanoClock.getAsLong();
        if (startNanos == Long.MIN_VALUE) {
            startNanos = now;
        }
        long behindNanos = (now - startNanos) - (long) (emittedSoFar / recordsPerNano);
        if (behindNanos > MAX_BURST_NANOS) {
            startNanos += behindNanos - MAX_BURST_NANOS;
        }
        long allowed = (long) ((now - startNanos) * recordsPerNano);
        return allowed - emittedSoFar;
    }
}
