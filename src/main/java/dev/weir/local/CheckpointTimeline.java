package dev.weir.local;

import java.util.Optional;

import dev.weir.runtime.checkpoint.CheckpointType;

/**
 * What a run's checkpoints looked like in time, for the progress line and the summary: which one
 * is pending and since when, when the first one completed, and the longest any was pending. A
 * checkpoint that stalls shows here while it stalls, not only once it completes or times out.
 * Thread-safe: fed by the coordinator's threads, read by the progress timer.
 */
final class CheckpointTimeline {

    /** A checkpoint (or savepoint) triggered and not yet completed or aborted. */
    record Pending(long checkpointId, CheckpointType type, long triggerTimestamp) {
        long ageMs(long nowMillis) {
            return Math.max(0, nowMillis - triggerTimestamp);
        }
    }

    private final long startMillis;
    private Pending pending;
    private long firstCompletedMillis = -1;
    private long longestPendingMs;

    CheckpointTimeline(long startMillis) {
        this.startMillis = startMillis;
    }

    synchronized void triggered(long checkpointId, CheckpointType type, long triggerTimestamp) {
        pending = new Pending(checkpointId, type, triggerTimestamp);
    }

    synchronized void completed(long checkpointId, CheckpointType type, long completionTimestamp) {
        ended(checkpointId, completionTimestamp);
        if (type == CheckpointType.CHECKPOINT && firstCompletedMillis < 0) {
            firstCompletedMillis = completionTimestamp;
        }
    }

    synchronized void aborted(long checkpointId, long nowMillis) {
        ended(checkpointId, nowMillis);
    }

    private void ended(long checkpointId, long nowMillis) {
        if (pending != null && pending.checkpointId() == checkpointId) {
            longestPendingMs = Math.max(longestPendingMs, pending.ageMs(nowMillis));
            pending = null;
        }
    }

    synchronized Optional<Pending> pending() {
        return Optional.ofNullable(pending);
    }

    /** Milliseconds from the start of the run to its first completed checkpoint; empty if none. */
    synchronized Optional<Long> firstCompletedAfterMs() {
        return firstCompletedMillis < 0 ? Optional.empty() : Optional.of(firstCompletedMillis - startMillis);
    }

    /** The longest time a checkpoint was pending, counting the one still pending at {@code nowMillis}. */
    synchronized long longestPendingMs(long nowMillis) {
        return pending == null ? longestPendingMs : Math.max(longestPendingMs, pending.ageMs(nowMillis));
    }
}
