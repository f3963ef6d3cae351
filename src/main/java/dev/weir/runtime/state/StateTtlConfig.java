package dev.weir.runtime.state;

import java.time.Duration;

/**
 * Time-to-live of a keyed state's entries (Flink's {@code StateTtlConfig}, processing time): an
 * entry expires {@code ttl} after it was last written (or, with {@link UpdateType#ON_READ_AND_WRITE},
 * last read or written). An expired entry is never returned; it is removed when it is next
 * accessed and, on the heap backend, left out of snapshots and dropped on restore. Map state
 * expires per map entry, list state per element.
 *
 * <p>Set it on a descriptor with {@code StateDescriptor.value(...).withTtl(StateTtlConfig.of(...))}.
 * Adding or removing a TTL changes how the state is stored: a checkpoint taken without it does not
 * restore into a state with it, and the other way round.
 */
public record StateTtlConfig(Duration ttl, UpdateType updateType) {

    /** What renews an entry's time to live. */
    public enum UpdateType {
        /** Writing it (Flink's default, {@code OnCreateAndWrite}). */
        ON_CREATE_AND_WRITE,
        /** Reading or writing it ({@code OnReadAndWrite}). */
        ON_READ_AND_WRITE
    }

    public StateTtlConfig {
        if (ttl == null || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("the state's time to live must be at least 1 ms (got " + ttl + ")");
        }
        if (updateType == null) {
            throw new IllegalArgumentException("the TTL update type must not be null");
        }
    }

    /** Entries expire {@code ttl} after their last write. */
    public static StateTtlConfig of(Duration ttl) {
        return new StateTtlConfig(ttl, UpdateType.ON_CREATE_AND_WRITE);
    }

    /** The same time to live, renewed by reads as well as writes. */
    public StateTtlConfig updateOnReadAndWrite() {
        return new StateTtlConfig(ttl, UpdateType.ON_READ_AND_WRITE);
    }

    long ttlMillis() {
        return ttl.toMillis();
    }

    /** Whether an entry last renewed at {@code lastAccess} has expired at {@code now}. */
    boolean expired(long lastAccess, long now) {
        return lastAccess + ttl.toMillis() <= now;
    }
}
