package dev.weir.coordinator.metrics;

/**
 * One subtask as the REST API and the metrics show it: its totals since it started running in this
 * attempt, and rates over the last two heartbeats. The time rates are Flink's: of each second the
 * subtask ran, how many milliseconds it was busy, back-pressured (waiting for room in an output
 * channel) and idle (waiting for input); the three add up to about 1000.
 *
 * @param watermark the subtask's current watermark (ms since the epoch; {@link Long#MAX_VALUE} after
 *                  the end of input), null before any
 * @param watermarkLagMs how far the watermark is behind the coordinator's clock when asked (0 after
 *                       the end of input), null without a watermark; see {@link #atTime}
 * @param pendingRecords a source's records not read yet (Kafka: consumer lag), null when unknown
 */
public record SubtaskMetrics(String task, int subtask, int worker, long runningMs, long recordsIn, long recordsOut,
                             double recordsInPerSecond, double recordsOutPerSecond, double busyMsPerSecond,
                             double backPressuredMsPerSecond, double idleMsPerSecond, long busyMs,
                             long backPressuredMs, long idleMs, Long watermark, Long watermarkLagMs,
                             Long pendingRecords) {

    /** These figures with the watermark lag as of {@code nowMs} (ms since the epoch). */
    public SubtaskMetrics atTime(long nowMs) {
        Long lag = watermark == null ? null : Math.max(0, nowMs - watermark);
        return new SubtaskMetrics(task, subtask, worker, runningMs, recordsIn, recordsOut, recordsInPerSecond,
                recordsOutPerSecond, busyMsPerSecond, backPressuredMsPerSecond, idleMsPerSecond, busyMs,
                backPressuredMs, idleMs, watermark, lag, pendingRecords);
    }
}
