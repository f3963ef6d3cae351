package dev.weir.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.runtime.exec.JobTopology;

/**
 * What a benchmark run's completed checkpoints cost, for its JSON line: averages of the slowest
 * subtask's start delay, alignment, sync and async time; p50/p99/max of the end-to-end duration
 * and of the sync pause (the time a task stops processing for a snapshot); bytes uploaded per
 * checkpoint and the state's size. Also when the tasks were deployed and, after a SIGKILL, when
 * the next attempt's tasks had restored their state and ran again.
 */
final class CheckpointStatsRecorder implements JobMasterListener {

    private final List<CompletedCheckpointStats> completed = new ArrayList<>();
    /**
     * When the tasks are deployed (every worker registered): the start of the job's net run time,
     * like Flink's, whose task managers are up before the job is submitted.
     */
    final AtomicLong deployedAt = new AtomicLong();
    private final AtomicLong killedAt = new AtomicLong();
    private final AtomicLong recoveredAt = new AtomicLong();

    @Override
    public void onRunning(JobTopology topology, long firstCheckpointId) {
        deployedAt.compareAndSet(0, System.nanoTime());
    }

    @Override
    public synchronized void onCheckpointCompleted(CompletedCheckpointStats stats) {
        completed.add(stats);
        notifyAll();
    }

    @Override
    public void onTasksRunning() {
        if (killedAt.get() != 0) {
            recoveredAt.compareAndSet(0, System.nanoTime());
        }
    }

    /** Blocks until {@code n} checkpoints completed; false if that took longer than {@code timeoutMs}. */
    synchronized boolean awaitCompleted(int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (completed.size() < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    void killed() {
        killedAt.set(System.nanoTime());
    }

    synchronized void addTo(Map<String, Object> line) {
        line.put("checkpoint_duration_ms_avg", round2(average(s -> s.durationMs())));
        line.put("checkpoint_duration_ms_p50", percentile(s -> s.durationMs(), 0.50));
        line.put("checkpoint_duration_ms_p99", percentile(s -> s.durationMs(), 0.99));
        line.put("checkpoint_duration_ms_max", percentile(s -> s.durationMs(), 1.0));
        line.put("checkpoint_start_delay_ms_avg", round2(average(s -> s.timings().startDelayMsMax())));
        line.put("checkpoint_alignment_ms_avg", round2(average(s -> s.timings().alignmentMsMax())));
        line.put("checkpoint_sync_ms_avg", round2(average(s -> s.timings().syncMsMax())));
        line.put("checkpoint_sync_ms_p99", percentile(s -> s.timings().syncMsMax(), 0.99));
        line.put("checkpoint_sync_ms_max", percentile(s -> s.timings().syncMsMax(), 1.0));
        line.put("checkpoint_async_ms_avg", round2(average(s -> s.timings().asyncMsMax())));
        line.put("checkpoint_uploaded_bytes_avg", Math.round(average(s -> s.uploadedSize())));
        line.put("checkpoint_uploaded_bytes_p50", Math.round(percentile(s -> s.uploadedSize(), 0.50)));
        line.put("checkpoint_state_size_bytes_max", Math.round(percentile(s -> s.stateSize(), 1.0)));
        if (killedAt.get() != 0) {
            long recovered = recoveredAt.get();
            line.put("recovery_ms", recovered == 0 ? null : (recovered - killedAt.get()) / 1_000_000);
        }
    }

    private double average(ToDoubleFunction<CompletedCheckpointStats> f) {
        return completed.stream().mapToDouble(f).average().orElse(0);
    }

    /** Nearest-rank percentile over the completed checkpoints (0 if none). */
    private double percentile(ToDoubleFunction<CompletedCheckpointStats> f, double p) {
        double[] values = completed.stream().mapToDouble(f).sorted().toArray();
        if (values.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * values.length);
        return round2(values[Math.max(0, Math.min(values.length, rank) - 1)]);
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
