package dev.weir.runtime.dataflow;

/** What a source reader or sink writer is told about the subtask it runs in. */
public record SourceContext(
        String jobName, int subtask, int parallelism, int maxParallelism, long attempt, OperatorStateRestore restore) {}
