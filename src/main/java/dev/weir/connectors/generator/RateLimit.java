package dev.weir.connectors.generator;

import java.util.function.LongSupplier;

/**
 * How many records a reader may emit so far: {@code rate * elapsed}, counted from its first poll.
 * Computed once per poll, never per record, so the hot loop stays free of clock reads.
 */
final class RateLimit {

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
        long allowed = (long) ((now - startNanos) * recordsPerNano);
        return allowed - emittedSoFar;
    }
}
