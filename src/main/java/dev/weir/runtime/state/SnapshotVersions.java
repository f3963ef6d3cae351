package dev.weir.runtime.state;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The versions behind the heap backend's copy-on-write snapshots (Flink's
 * {@code CopyOnWriteStateMap} idea on Weir's open-addressing tables). Every entry a table writes is
 * stamped with the current version; a capture hands the tables' arrays to the snapshot and starts
 * a new version. While a snapshot is being written on the upload thread, an entry stamped at or
 * before the last capture still belongs to it: the task thread copies such a value before handing
 * it out for an update, and copies a table's arrays before changing them.
 *
 * <p>The version and the capture are the task thread's; only the count of snapshots in flight is
 * shared with the upload threads, whose release (a volatile write after their last read of the
 * captured arrays) lets the task thread write into those arrays again.
 */
final class SnapshotVersions {

    private int version;
    private int lastCaptured = -1;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final boolean incremental;

    SnapshotVersions() {
        this(false);
    }

    /** @param incremental whether tables log their changes ({@link ChangeLog}) for incremental snapshots */
    SnapshotVersions(boolean incremental) {
        this.incremental = incremental;
    }

    /**
     * Whether tables log their changes now: with incremental snapshots, once the first capture is
     * taken (the first snapshot is always whole, so nothing before it is ever needed as a change).
     */
    boolean logsChanges() {
        return incremental && lastCaptured >= 0;
    }

    /** The version the newest capture took (entries stamped up to it belong to it); -1 before any. */
    int lastCaptured() {
        return lastCaptured;
    }

    /** The stamp of entries written now. */
    int current() {
        return version;
    }

    /**
     * The highest stamp that a snapshot still being written may hold, or -1 when none is in flight
     * (the common case, and then nothing is copied). With several in flight it is the newest
     * capture's: copying more than needed, never less.
     */
    int capturedUpTo() {
        return inFlight.get() > 0 ? lastCaptured : -1;
    }

    /** Starts a snapshot: entries stamped so far belong to it until {@link #released}. */
    void capture() {
        lastCaptured = version++;
        inFlight.incrementAndGet();
    }

    /** The snapshot has read all it captured (upload thread, or the task thread if it was dropped). */
    void released() {
        inFlight.decrementAndGet();
    }

    /** For tests and metrics. */
    int inFlight() {
        return inFlight.get();
    }
}
