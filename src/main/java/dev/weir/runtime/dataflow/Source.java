package dev.weir.runtime.dataflow;

/**
 * A replayable source. Each subtask gets its own reader; its read position is operator state in
 * the checkpoint, so after a restore it rewinds to exactly where the checkpoint's barrier was.
 */
public interface Source<T> {
    SourceReader<T> createReader(SourceContext context) throws Exception;
}
