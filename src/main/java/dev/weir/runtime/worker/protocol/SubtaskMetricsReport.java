package dev.weir.runtime.worker.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.metrics.TaskIoMetrics;

/**
 * One subtask's totals since it started running, as a heartbeat carries them: the coordinator
 * turns two of them into rates and time per second. Written as a JSON array
 * ({@code ["Keyed count",0,61000,250000,249800,1200,30500]}), since every worker sends one per
 * subtask every second; values a newer worker adds at the end are ignored.
 *
 * @param runningMs time since the subtask started running (after its restore), on the worker's clock
 * @param idleMs of that, waiting for input
 * @param backPressuredMs of that, waiting for room in an output channel
 * @param watermark the subtask's current watermark in ms since the epoch (its input watermark; a
 *                  source's, the one it emitted), {@link Long#MAX_VALUE} after the end of input,
 *                  null before any (and from workers older than this field)
 * @param pendingRecords a source's records not read yet from the external system (Kafka: its
 *                       consumer lag), null when unknown or not a source
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"task", "subtask", "runningMs", "recordsIn", "recordsOut", "idleMs", "backPressuredMs",
        "watermark", "pendingRecords"})
public record SubtaskMetricsReport(String task, int subtask, long runningMs, long recordsIn, long recordsOut,
                                   long idleMs, long backPressuredMs, Long watermark, Long pendingRecords) {

    /** A report without a watermark. */
    public SubtaskMetricsReport(String task, int subtask, long runningMs, long recordsIn, long recordsOut, long idleMs,
                                long backPressuredMs) {
        this(task, subtask, runningMs, recordsIn, recordsOut, idleMs, backPressuredMs, null, null);
    }

    /** A report without a consumer lag. */
    public SubtaskMetricsReport(String task, int subtask, long runningMs, long recordsIn, long recordsOut, long idleMs,
                                long backPressuredMs, Long watermark) {
        this(task, subtask, runningMs, recordsIn, recordsOut, idleMs, backPressuredMs, watermark, null);
    }

    public static SubtaskMetricsReport of(ExecutionVertexId vertex, TaskIoMetrics.Sample sample) {
        return new SubtaskMetricsReport(vertex.taskName(), vertex.subtask(), sample.runningNanos() / 1_000_000,
                sample.recordsIn(), sample.recordsOut(), sample.idleNanos() / 1_000_000,
                sample.backPressuredNanos() / 1_000_000,
                sample.watermark() == TaskIoMetrics.Sample.NO_WATERMARK ? null : sample.watermark(),
                sample.pendingRecords() < 0 ? null : sample.pendingRecords());
    }

    public ExecutionVertexId vertex() {
        return new ExecutionVertexId(task, subtask);
    }

    /** Running time neither idle nor back-pressured. */
    public long busyMs() {
        return Math.max(0, runningMs - idleMs - backPressuredMs);
    }
}
