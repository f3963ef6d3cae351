package dev.weir.operator.runtime;

import java.util.concurrent.TimeUnit;

import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.operator.JobKey;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

/**
 * The operator's own Prometheus metrics, per job: checkpoints completed and failed, their duration
 * and size, restarts and reconcile errors. Registered on Micrometer's global registry, which
 * Quarkus exports at /q/metrics (and which is a no-op in plain unit tests).
 */
public final class OperatorMetrics {

    private OperatorMetrics() {
    }

    static void checkpointCompleted(JobKey job, CompletedCheckpointStats stats) {
        Metrics.counter("weir_checkpoints_completed", tags(job)).increment();
        Timer.builder("weir_checkpoint_duration").tags(tags(job)).register(Metrics.globalRegistry)
                .record(stats.durationMs(), TimeUnit.MILLISECONDS);
        DistributionSummary.builder("weir_checkpoint_size").baseUnit("bytes").tags(tags(job))
                .register(Metrics.globalRegistry).record(stats.stateSize());
    }

    static void checkpointFailed(JobKey job) {
        Metrics.counter("weir_checkpoints_failed", tags(job)).increment();
    }

    public static void restarted(JobKey job) {
        Metrics.counter("weir_job_restarts", tags(job)).increment();
    }

    public static void reconcileFailed(JobKey job) {
        Metrics.counter("weir_reconcile_errors", tags(job)).increment();
    }

    private static String[] tags(JobKey job) {
        return new String[] {"namespace", job.namespace(), "job", job.name()};
    }
}
