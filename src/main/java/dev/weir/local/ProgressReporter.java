package dev.weir.local;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.weir.coordinator.CheckpointFailureReason;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.runtime.exec.JobMetrics;

/** Prints one progress line a second while a job runs: throughput, checkpoints, restarts. */
final class ProgressReporter implements JobMasterListener, AutoCloseable {

    private final String jobName;
    private final JobMetrics metrics;
    private final PrintStream out;
    private final boolean periodic;
    private final AtomicReference<CompletedCheckpointStats> last = new AtomicReference<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failedCheckpoints = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weir-progress");
        t.setDaemon(true);
        return t;
    });
    private long lastRecords;
    private long lastNanos = System.nanoTime();

    ProgressReporter(String jobName, JobMetrics metrics, PrintStream out, boolean periodic) {
        this.jobName = jobName;
        this.metrics = metrics;
        this.out = out;
        this.periodic = periodic;
        if (periodic) {
            timer.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
        }
    }

    private synchronized void print() {
        long now = System.nanoTime();
        long records = metrics.sourceRecords();
        double rate = (records - lastRecords) / Math.max(1e-9, (now - lastNanos) / 1e9);
        lastRecords = records;
        lastNanos = now;
        CompletedCheckpointStats cp = last.get();
        String checkpoint = cp == null ? "none yet" : String.format(Locale.ROOT, "#%d, %d ms, %s",
                cp.checkpointId(), cp.durationMs(), bytes(cp.stateSize()));
        out.printf(Locale.ROOT, "[%s] %6.1f s  %,d records  %,.0f records/s  checkpoints %d completed (%s), %d failed  restarts %d%n",
                jobName, (now - start) / 1e9, records, rate, completed.get(), checkpoint,
                failedCheckpoints.get(), restarts.get());
    }

    private static String bytes(long n) {
        if (n < 10_000) {
            return n + " B";
        }
        return n < 10_000_000 ? (n / 1024) + " KiB" : (n / (1024 * 1024)) + " MiB";
    }

    @Override
    public void onAttemptStarted(long attempt, String restoredFrom) {
        if (restoredFrom != null) {
            out.printf("[%s] attempt %d restoring from %s%n", jobName, attempt, restoredFrom);
        }
    }

    @Override
    public void onCheckpointCompleted(CompletedCheckpointStats stats) {
        completed.incrementAndGet();
        last.set(stats);
    }

    @Override
    public void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {
        if (reason.isFailure()) {
            failedCheckpoints.incrementAndGet();
            out.printf("[%s] checkpoint %d failed: %s: %s%n", jobName, checkpointId, reason, message);
        }
    }

    @Override
    public void onRestarting(long nextAttempt, String cause, long delayMs) {
        restarts.incrementAndGet();
        out.printf("[%s] restarting as attempt %d in %d ms after: %s%n", jobName, nextAttempt, delayMs, cause);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (periodic) {
            print();
        }
    }
}
