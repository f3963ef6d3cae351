package dev.weir.coordinator.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.worker.protocol.SubtaskMetricsReport;

/**
 * The latest measurements of every subtask of one attempt, as the workers' heartbeats carry them,
 * with rates taken between a subtask's two latest reports (on the worker's clock: the running time
 * each report states). Heartbeats of several workers arrive on several threads; readers take
 * {@link #subtasks()} at any time.
 */
public final class SubtaskMetricsBoard {

    private record Reports(int worker, SubtaskMetricsReport previous, SubtaskMetricsReport latest) {}

    private final Map<ExecutionVertexId, Reports> reports = new ConcurrentHashMap<>();

    /** What {@code worker}'s heartbeat carried. A report whose running time went back starts the subtask anew. */
    public void record(int worker, List<SubtaskMetricsReport> heartbeat) {
        for (SubtaskMetricsReport report : heartbeat) {
            reports.compute(report.vertex(), (vertex, known) -> {
                if (known == null || report.runningMs() < known.latest().runningMs()) {
                    return new Reports(worker, null, report);
                }
                if (report.runningMs() == known.latest().runningMs()) {
                    return known;
                }
                return new Reports(worker, known.latest(), report);
            });
        }
    }

    /**
     * Every subtask reported so far, ordered by task name and subtask index; without the watermark
     * lag, which depends on when one asks ({@link SubtaskMetrics#atTime}).
     */
    public List<SubtaskMetrics> subtasks() {
        List<SubtaskMetrics> all = new ArrayList<>();
        reports.values().forEach(r -> all.add(metrics(r)));
        all.sort(Comparator.comparing(SubtaskMetrics::task).thenComparingInt(SubtaskMetrics::subtask));
        return all;
    }

    private static SubtaskMetrics metrics(Reports r) {
        SubtaskMetricsReport now = r.latest();
        SubtaskMetricsReport before = r.previous();
        if (before == null) {
            // One report: the averages since the subtask started are the best rates there are.
            before = new SubtaskMetricsReport(now.task(), now.subtask(), 0, 0, 0, 0, 0);
        }
        double seconds = (now.runningMs() - before.runningMs()) / 1000.0;
        return new SubtaskMetrics(now.task(), now.subtask(), r.worker(), now.runningMs(), now.recordsIn(),
                now.recordsOut(), perSecond(now.recordsIn() - before.recordsIn(), seconds),
                perSecond(now.recordsOut() - before.recordsOut(), seconds),
                perSecond(now.busyMs() - before.busyMs(), seconds),
                perSecond(now.backPressuredMs() - before.backPressuredMs(), seconds),
                perSecond(now.idleMs() - before.idleMs(), seconds), now.busyMs(), now.backPressuredMs(), now.idleMs(),
                now.watermark(), null, now.pendingRecords());
    }

    private static double perSecond(long delta, double seconds) {
        if (seconds <= 0) {
            return 0;
        }
        return Math.round(Math.max(0, delta) / seconds * 10) / 10.0;
    }
}
