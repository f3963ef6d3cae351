package dev.weir.coordinator.metrics;

/**
 * One subtask as the REST API and the metrics show it: its totals since it started running in this
 * attempt, and rates over the last two heartbeats. The time rates are Flink's: of each second the
 * subtask ran, how many milliseconds it was busy, back-pressured (waiting for room in an output
 * channel) and idle (waiting for input); the three add up to about 1000.
 */
public record SubtaskMetrics(String task, int subtask, int worker, long runningMs, long recordsIn, long recordsOut,
                             double recordsInPerSecond, double recordsOutPerSecond, double busyMsPerSecond,
                             double backPressuredMsPerSecond, double idleMsPerSecond, long busyMs,
                             long backPressuredMs, long idleMs) {}
