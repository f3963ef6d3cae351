package dev.weir.bench;

import java.util.Map;

import dev.weir.coordinator.JobMasterListener;

/** Per completed checkpoint, averaged: the slowest subtask's start delay, alignment, sync and async time. */
final class CheckpointTimingTotals implements JobMasterListener {
    private final java.util.concurrent.atomic.DoubleAdder delay = new java.util.concurrent.atomic.DoubleAdder();
    private final java.util.concurrent.atomic.DoubleAdder alignment = new java.util.concurrent.atomic.DoubleAdder();
    private final java.util.concurrent.atomic.DoubleAdder sync = new java.util.concurrent.atomic.DoubleAdder();
    private final java.util.concurrent.atomic.DoubleAdder async = new java.util.concurrent.atomic.DoubleAdder();
    private final java.util.concurrent.atomic.DoubleAdder duration = new java.util.concurrent.atomic.DoubleAdder();
    private final java.util.concurrent.atomic.LongAdder count = new java.util.concurrent.atomic.LongAdder();
    /**
     * When the tasks are deployed (every worker registered): the start of the job's net run time,
     * like Flink's, whose task managers are up before the job is submitted.
     */
    final java.util.concurrent.atomic.AtomicLong deployedAt = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void onRunning(dev.weir.runtime.exec.JobTopology topology, long firstCheckpointId) {
        deployedAt.compareAndSet(0, System.nanoTime());
    }

    @Override
    public void onCheckpointCompleted(dev.weir.coordinator.CompletedCheckpointStats stats) {
        delay.add(stats.timings().startDelayMsMax());
        alignment.add(stats.timings().alignmentMsMax());
        sync.add(stats.timings().syncMsMax());
        async.add(stats.timings().asyncMsMax());
        duration.add(stats.durationMs());
        count.increment();
    }

    void addTo(Map<String, Object> line) {
        long n = Math.max(1, count.sum());
        line.put("checkpoint_duration_ms_avg", round2(duration.sum() / n));
        line.put("checkpoint_start_delay_ms_avg", round2(delay.sum() / n));
        line.put("checkpoint_alignment_ms_avg", round2(alignment.sum() / n));
        line.put("checkpoint_sync_ms_avg", round2(sync.sum() / n));
        line.put("checkpoint_async_ms_avg", round2(async.sum() / n));
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
