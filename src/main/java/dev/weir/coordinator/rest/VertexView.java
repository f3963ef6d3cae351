package dev.weir.coordinator.rest;

import java.util.List;

import dev.weir.coordinator.metrics.SubtaskMetrics;
import dev.weir.runtime.exec.JobTopology;

/**
 * One task of the job graph with its live figures: the sums of its subtasks' records and rates, and
 * the busiest and most back-pressured subtask's time per second (what a graph view colours by, as
 * Flink's does). Rates are 0 until the workers' first heartbeats.
 *
 * @param operatorNames the chained operators' display names (their uids unless named), head first
 * @param watermark the lowest watermark of its subtasks (Flink's "low watermark"), null until every
 *                  subtask reported one
 * @param watermarkLagMs how far that watermark is behind the coordinator's clock, null without one
 * @param pendingRecords a source's records not read yet (Kafka: consumer lag), summed over the
 *                       subtasks that know theirs; null when none does
 */
public record VertexView(String name, int parallelism, boolean source, List<String> operators,
                         List<String> operatorNames, List<JobTopology.Input> inputs, long recordsIn, long recordsOut, double recordsInPerSecond,
                         double recordsOutPerSecond, double busyMsPerSecondMax, double backPressuredMsPerSecondMax,
                         double idleMsPerSecondMax, Long watermark, Long watermarkLagMs, Long pendingRecords,
                         List<SubtaskMetrics> subtasks) {

    static VertexView of(JobTopology.Vertex vertex, List<SubtaskMetrics> all) {
        List<SubtaskMetrics> mine = all.stream().filter(m -> m.task().equals(vertex.name())).toList();
        long in = 0;
        long out = 0;
        double inRate = 0;
        double outRate = 0;
        double busy = 0;
        double backPressured = 0;
        double idle = 0;
        Long watermark = null;
        Long lag = null;
        Long pending = null;
        boolean everyWatermark = mine.size() == vertex.parallelism();
        for (SubtaskMetrics m : mine) {
            if (m.pendingRecords() != null) {
                pending = (pending == null ? 0 : pending) + m.pendingRecords();
            }
            if (m.watermark() == null) {
                everyWatermark = false;
            } else if (watermark == null || m.watermark() < watermark) {
                watermark = m.watermark();
                lag = m.watermarkLagMs();
            }
            in += m.recordsIn();
            out += m.recordsOut();
            inRate += m.recordsInPerSecond();
            outRate += m.recordsOutPerSecond();
            busy = Math.max(busy, m.busyMsPerSecond());
            backPressured = Math.max(backPressured, m.backPressuredMsPerSecond());
            idle = Math.max(idle, m.idleMsPerSecond());
        }
        return new VertexView(vertex.name(), vertex.parallelism(), vertex.source(), vertex.operators(),
                vertex.operatorNames(), vertex.inputs(), in, out, round(inRate), round(outRate), busy, backPressured, idle, everyWatermark ? watermark : null,
                everyWatermark ? lag : null, pending, mine);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
