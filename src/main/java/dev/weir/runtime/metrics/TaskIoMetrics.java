package dev.weir.runtime.metrics;

import java.util.function.LongSupplier;

/**
 * What one subtask measures about its own work, as Flink defines it: records in and out, and how
 * each second of its running time divides into idle (waiting for input), back-pressured (waiting
 * for room in an output channel) and busy (the rest: processing, including user code that sleeps
 * or blocks). The task thread times only its waits, never a record; any thread reads
 * {@link #sample}.
 *
 * <p>Records in are those the task read: from its network input, or for a source task from the
 * external system. Records out are those it emitted into network edges plus those its sinks wrote.
 */
public final class TaskIoMetrics {

    private final WaitTimer idle = new WaitTimer();
    private final WaitTimer backPressure = new WaitTimer();
    private volatile LongSupplier recordsIn = () -> 0;
    private volatile LongSupplier recordsOut = () -> 0;
    private volatile long runningSinceNanos;
    private volatile boolean running;
    private volatile long watermark = Long.MIN_VALUE;
    private volatile LongSupplier pendingRecords = () -> -1;
    private volatile boolean source;

    /**
     * The running time of one subtask and what it was spent on, in nanoseconds, and its record
     * counts; all totals since the task started running.
     */
    public record Sample(long runningNanos, long recordsIn, long recordsOut, long idleNanos,
                         long backPressuredNanos, long watermark, long pendingRecords) {

        /** {@link #watermark} before the subtask saw or emitted any. */
        public static final long NO_WATERMARK = Long.MIN_VALUE;

        /** The running time left when idle and back-pressured time are taken out. */
        public long busyNanos() {
            return Math.max(0, runningNanos - idleNanos - backPressuredNanos);
        }
    }

    /** The task restored its state and starts processing: its running time counts from here. */
    public void running(long nowNanos) {
        runningSinceNanos = nowNanos;
        running = true;
    }

    /**
     * Where the record counts are read: counters the task thread keeps in plain fields on its hot
     * path, read racily by {@link #sample} (a sample may lag a few records). Set before the task runs.
     */
    public void countRecordsWith(LongSupplier in, LongSupplier out) {
        this.recordsIn = in;
        this.recordsOut = out;
    }

    /** A source task's records not yet read from the external system ({@code -1}: unknown). Set before it runs. */
    public void pendingRecordsWith(LongSupplier pending) {
        this.pendingRecords = pending;
        this.source = true;
    }

    /** Whether the task reads an external system, so that its pending records mean something. */
    public boolean isSource() {
        return source;
    }

    /** Time waiting for input: started and stopped by the task thread around its idle waits. */
    public WaitTimer idle() {
        return idle;
    }

    /** Time waiting for room in an output channel: started and stopped where the task thread blocks. */
    public WaitTimer backPressure() {
        return backPressure;
    }

    /**
     * The task thread's current watermark advanced: its input watermark (the minimum over its
     * input channels), or for a source task the watermark it emitted. Written only when it moves,
     * which is rare next to records.
     */
    public void watermarkAdvanced(long watermark) {
        if (watermark > this.watermark) {
            this.watermark = watermark;
        }
    }

    /** Totals so far; zero running time until the task runs. Any thread. */
    public Sample sample(long nowNanos) {
        long elapsed = running ? Math.max(0, nowNanos - runningSinceNanos) : 0;
        long idleNanos = idle.totalNanos(nowNanos);
        long blocked = backPressure.totalNanos(nowNanos);
        return new Sample(elapsed, recordsIn.getAsLong(), recordsOut.getAsLong(), Math.min(idleNanos, elapsed),
                Math.min(blocked, Math.max(0, elapsed - Math.min(idleNanos, elapsed))), watermark,
                pendingRecords.getAsLong());
    }
}
