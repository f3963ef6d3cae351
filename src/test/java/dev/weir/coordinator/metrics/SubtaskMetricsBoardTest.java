package dev.weir.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.worker.protocol.SubtaskMetricsReport;

class SubtaskMetricsBoardTest {

    @Test
    void ratesAreTakenBetweenTheTwoLatestReportsOnTheWorkersClock() {
        SubtaskMetricsBoard board = new SubtaskMetricsBoard();
        board.record(1, List.of(new SubtaskMetricsReport("count", 1, 1_000, 5_000, 4_000, 600, 100)));
        board.record(1, List.of(new SubtaskMetricsReport("count", 1, 3_000, 25_000, 24_000, 800, 1_100)));

        SubtaskMetrics m = board.subtasks().get(0);

        assertThat(m.worker()).isEqualTo(1);
        assertThat(m.recordsIn()).isEqualTo(25_000);
        assertThat(m.recordsInPerSecond()).as("20 000 records in 2 s").isEqualTo(10_000);
        assertThat(m.recordsOutPerSecond()).isEqualTo(10_000);
        assertThat(m.idleMsPerSecond()).as("200 ms idle in 2 s").isEqualTo(100);
        assertThat(m.backPressuredMsPerSecond()).isEqualTo(500);
        assertThat(m.busyMsPerSecond()).isEqualTo(400);
        assertThat(m.busyMsPerSecond() + m.backPressuredMsPerSecond() + m.idleMsPerSecond()).isEqualTo(1000);
    }

    @Test
    void aSubtaskWhoseRunningTimeWentBackStartedAnewAndItsFirstReportGivesAverages() {
        SubtaskMetricsBoard board = new SubtaskMetricsBoard();
        board.record(0, List.of(new SubtaskMetricsReport("count", 0, 60_000, 900_000, 900_000, 0, 0)));
        board.record(0, List.of(new SubtaskMetricsReport("count", 0, 2_000, 4_000, 3_000, 1_000, 0)));

        SubtaskMetrics m = board.subtasks().get(0);

        assertThat(m.recordsIn()).isEqualTo(4_000);
        assertThat(m.recordsInPerSecond()).isEqualTo(2_000);
        assertThat(m.idleMsPerSecond()).isEqualTo(500);
    }

    @Test
    void aRepeatedReportKeepsTheRatesAndSubtasksAreListedInOrder() {
        SubtaskMetricsBoard board = new SubtaskMetricsBoard();
        SubtaskMetricsReport first = new SubtaskMetricsReport("sink", 1, 1_000, 100, 100, 0, 0);
        SubtaskMetricsReport second = new SubtaskMetricsReport("sink", 1, 2_000, 300, 300, 0, 0);
        board.record(1, List.of(first));
        board.record(1, List.of(second));
        board.record(1, List.of(second));
        board.record(0, List.of(new SubtaskMetricsReport("sink", 0, 1_000, 1, 1, 0, 0),
                new SubtaskMetricsReport("generator", 0, 1_000, 1, 1, 0, 0)));

        List<SubtaskMetrics> all = board.subtasks();

        assertThat(all).extracting(m -> m.task() + "/" + m.subtask())
                .containsExactly("generator/0", "sink/0", "sink/1");
        assertThat(all.get(2).recordsInPerSecond()).isEqualTo(200);
    }

    @Test
    void theLatestReportsWatermarkIsKeptAndItsLagTakenWhenAsked() {
        SubtaskMetricsBoard board = new SubtaskMetricsBoard();
        board.record(0, List.of(new SubtaskMetricsReport("window", 0, 1_000, 10, 10, 0, 0, 50_000L),
                new SubtaskMetricsReport("window", 1, 1_000, 10, 10, 0, 0, null),
                new SubtaskMetricsReport("source", 0, 1_000, 10, 10, 0, 0, Long.MAX_VALUE, 0L)));
        board.record(0, List.of(new SubtaskMetricsReport("window", 0, 2_000, 20, 20, 0, 0, 58_000L)));

        List<SubtaskMetrics> all = board.subtasks().stream().map(m -> m.atTime(60_500)).toList();

        assertThat(all).extracting(m -> m.task() + "/" + m.subtask() + " " + m.watermark() + " " + m.watermarkLagMs()
                        + " " + m.pendingRecords())
                .containsExactly("source/0 " + Long.MAX_VALUE + " 0 0", "window/0 58000 2500 null",
                        "window/1 null null null");
    }
}
