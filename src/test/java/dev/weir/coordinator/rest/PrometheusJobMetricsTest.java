package dev.weir.coordinator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.weir.coordinator.CheckpointTimings;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.SubtaskCheckpointStats;
import dev.weir.coordinator.metrics.SubtaskMetricsBoard;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.worker.protocol.SubtaskMetricsReport;

/**
 * What a Prometheus scrape of the coordinator shows of a job, named by Prometheus's conventions:
 * the job and its checkpoints, not the subtasks' figures, which the workers export themselves.
 */
class PrometheusJobMetricsTest {

    private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
    private final JobStatusTracker tracker = new JobStatusTracker("counts", now::get);
    private final SubtaskMetricsBoard board = new SubtaskMetricsBoard();

    @Test
    void aScrapeShowsTheJobAndItsCheckpointsButNoSubtaskSeries() {
        PrometheusJobMetrics metrics = new PrometheusJobMetrics();
        metrics.add("counts", new TrackedJob());
        tracker.onAttemptStarted(1, null);
        assertThat(metrics.scrape()).contains("weir_job_running{job=\"counts\",} 0.0")
                .doesNotContain("weir_task_records_in_total");

        tracker.onRunning(new JobTopology("h", 2, 128, List.of(
                new JobTopology.Vertex("generator", 2, true, List.of("generator"), List.of()),
                new JobTopology.Vertex("count", 2, false, List.of("count", "sink"),
                        List.of(new JobTopology.Input("generator", "key-by"))))), 1);
        tracker.onCheckpointTriggered(7, CheckpointType.CHECKPOINT, 1_000_100);
        tracker.onCheckpointCompleted(new CompletedCheckpointStats(7, CheckpointType.CHECKPOINT, "s3://b/chk-7",
                1_000_100, 1_000_350, 250, 4096, new CheckpointTimings(5, 30, 12, 80), 4096, List.of(
                        new SubtaskCheckpointStats("count", 0, 240, 2_000, 5, 30, 12, 80),
                        new SubtaskCheckpointStats("count", 1, 250, 2_080, 4, 20, 10, 70),
                        new SubtaskCheckpointStats("generator", 0, 20, 8, 1, 0, 1, 2),
                        new SubtaskCheckpointStats("generator", 1, 30, 8, 1, 0, 1, 2))));
        board.record(0, List.of(new SubtaskMetricsReport("count", 0, 2_000, 25_000, 24_000, 500, 250, 1_055_000L)));
        board.record(1, List.of(new SubtaskMetricsReport("count", 1, 2_000, 25_000, 24_000, 500, 250, 1_058_500L),
                new SubtaskMetricsReport("generator", 1, 2_000, 25_000, 25_000, 0, 0, null, 1_500L)));
        board.record(0, List.of(new SubtaskMetricsReport("generator", 0, 2_000, 25_000, 25_000, 0, 0, null, 700L)));
        now.addAndGet(61_000);

        String scrape = metrics.scrape();

        assertThat(scrape)
                .contains("weir_job_running{job=\"counts\",} 1.0")
                .contains("weir_job_uptime_seconds{job=\"counts\",} 61.0")
                .contains("weir_job_restarts_total{job=\"counts\",} 0.0")
                .contains("weir_checkpoints_completed_total{job=\"counts\",} 1.0")
                .contains("weir_checkpoint_last_duration_seconds{job=\"counts\",} 0.25")
                .contains("weir_checkpoint_last_size_bytes{job=\"counts\",} 4096.0")
                .contains("weir_checkpoint_last_alignment_seconds{job=\"counts\",} 0.03")
                .contains("weir_checkpoint_state_size_bytes{job=\"counts\",task=\"count\",} 4080.0")
                .contains("weir_checkpoint_state_size_bytes{job=\"counts\",task=\"generator\",} 16.0")
                .contains("weir_checkpoint_duration_seconds{job=\"counts\",task=\"count\",} 0.25")
                .contains("weir_checkpoint_duration_seconds{job=\"counts\",task=\"generator\",} 0.03")
                .doesNotContain("weir_task_").doesNotContain("weir_source_");
        List<VertexView> vertices = tracker.overview(board.subtasks()).graph().vertices();
        assertThat(vertices).extracting(v -> v.name() + " " + v.watermark() + " " + v.watermarkLagMs() + " "
                        + v.pendingRecords())
                .as("the lowest watermark, only once every subtask has one; the lag summed")
                .containsExactly("generator null null 2200", "count 1055000 6000 null");
        assertThat(tracker.checkpoints().get(0).tasks())
                .extracting(t -> t.name() + " " + t.sizeBytes() + " B " + t.durationMs() + " ms " + t.subtasks().size())
                .containsExactly("count 4080 B 250 ms 2", "generator 16 B 30 ms 2");
    }

    /** The tracker and the board, as the job master's REST view joins them. */
    private final class TrackedJob implements RestJob {
        @Override
        public JobOverview overview() {
            return tracker.overview(board.subtasks());
        }

        @Override
        public List<CheckpointEntry> checkpoints() {
            return tracker.checkpoints();
        }

        @Override
        public CompletableFuture<CompletedCheckpointStats> triggerSavepoint() {
            return CompletableFuture.failedFuture(new IllegalStateException("not asked here"));
        }

        @Override
        public void stopWithSavepoint() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void cancel() {
            throw new UnsupportedOperationException();
        }
    }
}
