package dev.weir.local;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.weir.coordinator.AttemptFailure;
import dev.weir.coordinator.CheckpointFailureReason;
import dev.weir.coordinator.Clock;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.exec.JobMetrics;

/**
 * Prints one progress line a second while a job runs: throughput, checkpoints (and one that has
 * been pending for longer than the interval, with its age), restarts; and a line for each failed
 * checkpoint, restart and try to reach checkpoint storage while it is down. Until every task of an
 * attempt runs, the line says its tasks are starting in place of a rate: "0 records/s" read as a
 * stalled job while the workers started.
 */
final class ProgressReporter implements JobMasterListener, AutoCloseable {

    private final String jobName;
    private final JobMetrics metrics;
    private final PrintStream out;
    private final boolean periodic;
    private final long intervalMs;
    private final Clock clock;
    private final CheckpointTimeline timeline;
    private final AtomicReference<CompletedCheckpointStats> last = new AtomicReference<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failedCheckpoints = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final long start;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weir-progress");
        t.setDaemon(true);
        return t;
    });
    private long lastRecords;
    private long lastMillis;
    /**
     * The attempt whose tasks are starting, {@link #NO_ATTEMPT_YET} before the first (while the job
     * waits for checkpoint storage, say), 0 once every task of the current attempt runs.
     */
    private volatile long startingAttempt = NO_ATTEMPT_YET;
    private static final long NO_ATTEMPT_YET = -1;

    /**
     * @param intervalMs the job's checkpoint interval: a checkpoint pending for longer is shown with its age
     * @param periodic print a line every second (else only {@link #printProgress} and the last line at close)
     */
    ProgressReporter(String jobName, JobMetrics metrics, PrintStream out, boolean periodic, long intervalMs,
                     Clock clock) {
        this.jobName = jobName;
        this.metrics = metrics;
        this.out = out;
        this.periodic = periodic;
        this.intervalMs = intervalMs;
        this.clock = clock;
        this.start = clock.millis();
        this.lastMillis = start;
        this.timeline = new CheckpointTimeline(start);
        if (periodic) {
            timer.scheduleAtFixedRate(this::printProgress, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** The run's checkpoints in time, for the summary. */
    CheckpointTimeline timeline() {
        return timeline;
    }

    synchronized void printProgress() {
        long now = clock.millis();
        long records = metrics.sourceRecords();
        double rate = (records - lastRecords) / Math.max(1e-9, (now - lastMillis) / 1e3);
        lastRecords = records;
        lastMillis = now;
        CompletedCheckpointStats cp = last.get();
        String checkpoint = cp == null ? "none yet" : String.format(Locale.ROOT, "#%d, %d ms, %s",
                cp.checkpointId(), cp.durationMs(), bytes(cp.stateSize()));
        long starting = startingAttempt;
        String throughput = starting == NO_ATTEMPT_YET ? "starting"
                : starting > 0 ? "tasks of attempt " + starting + " starting"
                : String.format(Locale.ROOT, "%,.0f records/s", rate);
        out.printf(Locale.ROOT, "[%s] %6.1f s  %,d records  %s  checkpoints %d completed (%s)%s, %d failed"
                        + "  restarts %d%n", jobName, (now - start) / 1e3, records, throughput, completed.get(),
                checkpoint, pendingTooLong(now), failedCheckpoints.get(), restarts.get());
    }

    /** ", checkpoint 7 pending for 12.3 s" once it has been pending for longer than the interval. */
    private String pendingTooLong(long now) {
        Optional<CheckpointTimeline.Pending> pending = timeline.pending();
        if (pending.isEmpty() || pending.get().ageMs(now) <= intervalMs) {
            return "";
        }
        return String.format(Locale.ROOT, ", %s %d pending for %.1f s",
                pending.get().type() == CheckpointType.SAVEPOINT ? "savepoint" : "checkpoint",
                pending.get().checkpointId(), pending.get().ageMs(now) / 1e3);
    }

    private static String bytes(long n) {
        if (n < 10_000) {
            return n + " B";
        }
        return n < 10_000_000 ? (n / 1024) + " KiB" : (n / (1024 * 1024)) + " MiB";
    }

    @Override
    public void onAttemptStarted(long attempt, String restoredFrom) {
        startingAttempt = attempt;
        if (restoredFrom != null) {
            out.printf("[%s] attempt %d restoring from %s%n", jobName, attempt, restoredFrom);
        }
    }

    @Override
    public void onTasksRunning() {
        startingAttempt = 0;
    }

    @Override
    public void onAttemptFailed(long attempt, AttemptFailure failure, boolean restarting) {
        startingAttempt = 0; // no longer starting: a restart starts the next one
    }

    @Override
    public void onCheckpointTriggered(long checkpointId, CheckpointType type, long triggerTimestamp) {
        timeline.triggered(checkpointId, type, triggerTimestamp);
    }

    @Override
    public void onCheckpointCompleted(CompletedCheckpointStats stats) {
        timeline.completed(stats.checkpointId(), stats.type(), clock.millis());
        if (stats.type() == CheckpointType.SAVEPOINT) {
            return;
        }
        completed.incrementAndGet();
        last.set(stats);
    }

    @Override
    public void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {
        timeline.aborted(checkpointId, clock.millis());
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
    public void onStorageUnavailable(String problem, long unavailableForMs, long retryInMs) {
        out.printf(Locale.ROOT, "[%s] checkpoint storage unavailable for %.1f s, waiting to restart; trying again in"
                + " %.1f s (Ctrl-C stops the job): %s%n", jobName, unavailableForMs / 1e3, retryInMs / 1e3, problem);
    }

    @Override
    public void onStorageAvailable(long unavailableForMs) {
        out.printf(Locale.ROOT, "[%s] checkpoint storage available again after %.1f s%n", jobName, unavailableForMs / 1e3);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (periodic) {
            printProgress();
        }
    }
}
