package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.SubtaskCheckpointMetrics;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.metrics.TaskIoMetrics;

/** What a Prometheus scrape of a worker shows of the subtasks it runs and of its JVM. */
class WorkerPrometheusMetricsTest {

    private static final ExecutionVertexId SOURCE = new ExecutionVertexId("generator", 1);
    private static final ExecutionVertexId COUNT = new ExecutionVertexId("count", 1);

    private final Map<ExecutionVertexId, TaskIoMetrics> tasks = new LinkedHashMap<>();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong pending = new AtomicLong(-1);

    @Test
    void aScrapeShowsEverySubtaskItsLatestCheckpointAndTheJvm() {
        try (WorkerPrometheusMetrics metrics = new WorkerPrometheusMetrics("jobs.counts", 1, () -> Map.copyOf(tasks))) {
            assertThat(metrics.scrape()).as("before the tasks exist").doesNotContain("weir_task_")
                    .contains("jvm_memory_used_bytes{").contains("jvm_gc_").contains("process_cpu_usage{");

            TaskIoMetrics source = new TaskIoMetrics();
            source.countRecordsWith(read::get, read::get);
            source.pendingRecordsWith(pending::get);
            source.running(System.nanoTime());
            TaskIoMetrics count = new TaskIoMetrics();
            count.countRecordsWith(() -> 40, () -> 39);
            count.watermarkAdvanced(Long.MAX_VALUE);
            count.running(System.nanoTime());
            tasks.put(SOURCE, source);
            tasks.put(COUNT, count);
            read.set(1_000);

            String first = metrics.scrape();

            assertThat(first)
                    .contains("weir_task_records_in_total{job=\"jobs.counts\",subtask=\"1\",task=\"generator\",worker=\"1\",} 1000.0")
                    .contains("weir_task_records_out_total{job=\"jobs.counts\",subtask=\"1\",task=\"count\",worker=\"1\",} 39.0")
                    .contains("weir_task_watermark_lag_seconds{job=\"jobs.counts\",subtask=\"1\",task=\"generator\",worker=\"1\",} NaN")
                    .contains("weir_task_watermark_lag_seconds{job=\"jobs.counts\",subtask=\"1\",task=\"count\",worker=\"1\",} 0.0")
                    .contains("weir_source_pending_records{job=\"jobs.counts\",subtask=\"1\",task=\"generator\",worker=\"1\",} NaN")
                    .doesNotContain("weir_source_pending_records{job=\"jobs.counts\",subtask=\"1\",task=\"count\"")
                    .contains("weir_task_checkpoint_sync_seconds{job=\"jobs.counts\",subtask=\"1\",task=\"count\",worker=\"1\",} NaN")
                    .contains("# TYPE weir_task_busy_time_seconds_total counter")
                    .contains("# TYPE weir_task_back_pressured_time_seconds_total counter")
                    .contains("# TYPE weir_task_idle_time_seconds_total counter");

            read.set(2_500);
            pending.set(7_000);
            metrics.acknowledged(new TaskAcknowledgement(3, COUNT, Map.of(),
                    new SubtaskCheckpointMetrics(4, 30_000_000, 2_000_000, 250_000_000)));
            metrics.acknowledged(new TaskAcknowledgement(2, COUNT, Map.of(),
                    new SubtaskCheckpointMetrics(9, 9, 9, 9)));

            assertThat(metrics.scrape())
                    .contains("weir_task_records_in_total{job=\"jobs.counts\",subtask=\"1\",task=\"generator\",worker=\"1\",} 2500.0")
                    .contains("weir_source_pending_records{job=\"jobs.counts\",subtask=\"1\",task=\"generator\",worker=\"1\",} 7000.0")
                    .as("an older acknowledgement arriving late changes nothing")
                    .contains("weir_task_checkpoint_id{job=\"jobs.counts\",subtask=\"1\",task=\"count\",worker=\"1\",} 3.0")
                    .contains("weir_task_checkpoint_start_delay_seconds{job=\"jobs.counts\",subtask=\"1\",task=\"count\",worker=\"1\",} 0.004")
                    .contains("weir_task_checkpoint_alignment_seconds{job=\"jobs.counts\",subtask=\"1\",task=\"count\",worker=\"1\",} 0.03")
                    .contains("weir_task_checkpoint_sync_seconds{job=\"jobs.counts\",subtask=\"1\",task=\"count\",worker=\"1\",} 0.002")
                    .contains("weir_task_checkpoint_async_seconds{job=\"jobs.counts\",subtask=\"1\",task=\"count\",worker=\"1\",} 0.25")
                    .contains("weir_task_checkpoint_size_bytes{job=\"jobs.counts\",subtask=\"1\",task=\"count\",worker=\"1\",} 0.0");
        }
    }
}
