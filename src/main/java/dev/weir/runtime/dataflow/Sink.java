package dev.weir.runtime.dataflow;

/** Where a stream's records end up; each subtask gets its own writer. */
public interface Sink<T> {
    SinkWriter<T> createWriter(SinkContext context) throws Exception;
}
