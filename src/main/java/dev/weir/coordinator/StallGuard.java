package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointType;

/**
 * Decides when a pending checkpoint has stalled: no acknowledgement arrived for the stall limit
 * (measured from its trigger, then from its latest ack). Acks are the progress the coordinator can
 * see: every subtask sends one, sources right after the trigger, the others once their barriers
 * aligned. A barrier that does not move (a trigger that reached no source, a task that hangs)
 * shows as silence, and so does a healthy checkpoint whose barriers crawl behind backpressured
 * data. So that such a checkpoint is not aborted forever, each consecutive stall doubles the limit
 * for the next checkpoint; a completed checkpoint resets it. Once the limit reaches the timeout,
 * only the timeout applies: after at most log2(timeout / limit) stalls a slow checkpoint gets all
 * the time it had without the guard. Savepoints are not judged (the user asked for that one, and
 * stopping with a savepoint must not fail for want of patience); checkpoints whose metadata is
 * being written are not judged either (their outcome may already be decided).
 *
 * <p>Not thread-safe: guarded by the coordinator's lock.
 */
final class StallGuard {

    private final long stallTimeoutMs;
    private final long timeoutMs;
    private int consecutiveStalls;

    StallGuard(CheckpointConfig config) {
        this.stallTimeoutMs = config.stallTimeoutMs();
        this.timeoutMs = config.timeoutMs();
    }

    /** How long the next checkpoint may go without an ack; at least the timeout means: not judged. */
    long limitMs() {
        if (stallTimeoutMs == 0) {
            return timeoutMs;
        }
        long limit = stallTimeoutMs;
        for (int i = 0; i < consecutiveStalls && limit < timeoutMs; i++) {
            limit *= 2;
        }
        return Math.min(limit, timeoutMs);
    }

    boolean isStalled(PendingCheckpoint pending, long nowMillis) {
        long limit = limitMs();
        return limit < timeoutMs && pending.type() == CheckpointType.CHECKPOINT && !pending.isFinalizing()
                && nowMillis - pending.lastProgressMillis() >= limit;
    }

    void stalled() {
        consecutiveStalls++;
    }

    void completed() {
        consecutiveStalls = 0;
    }
}
