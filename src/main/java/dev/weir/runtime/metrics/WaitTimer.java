package dev.weir.runtime.metrics;

/**
 * Time one thread spends waiting (for input, for room in an output channel), readable by any
 * thread while the wait goes on, as Flink's {@code TimerGauge}: a reader sees the waits that ended
 * and the one in progress, so a task blocked for seconds shows as blocked during those seconds,
 * not in one burst after them.
 *
 * <p>Only the owning thread calls {@link #start} and {@link #stop}, and only when it is about to
 * wait or has waited: the fast path (a batch sent into a channel with room) never touches it. A
 * reader retries while a transition is under way (a sequence lock), so it never counts a wait twice.
 */
public final class WaitTimer {

    /** Odd while the owner changes the fields below. */
    private volatile long version;
    private volatile long totalNanos;
    private volatile long sinceNanos;
    private volatile boolean waiting;

    /** The owner is about to wait; a second start without a stop is ignored. */
    public void start(long nowNanos) {
        if (waiting) {
            return;
        }
        version++;
        sinceNanos = nowNanos;
        waiting = true;
        version++;
    }

    /** The owner's wait is over. */
    public void stop(long nowNanos) {
        if (!waiting) {
            return;
        }
        version++;
        totalNanos += Math.max(0, nowNanos - sinceNanos);
        waiting = false;
        version++;
    }

    /** Every wait so far, the one in progress up to {@code nowNanos} included. Any thread. */
    public long totalNanos(long nowNanos) {
        while (true) {
            long before = version;
            long total = totalNanos;
            long since = sinceNanos;
            boolean inProgress = waiting;
            if ((before & 1) == 0 && before == version) {
                return inProgress ? total + Math.max(0, nowNanos - since) : total;
            }
            Thread.onSpinWait();
        }
    }
}
