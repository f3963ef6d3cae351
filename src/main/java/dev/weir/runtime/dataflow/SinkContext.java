package dev.weir.runtime.dataflow;

/**
 * What a sink writer is told about its subtask. {@code attempt} grows with every restart of the
 * job, so names derived from it never collide with an earlier attempt's leftovers.
 */
public record SinkContext(
        String jobName, int subtask, int parallelism, long attempt, OperatorStateRestore restore) {}
