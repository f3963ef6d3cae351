package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;

/** The head of a source task: polls the reader; its read position is the operator state. */
public final class SourceOperator extends StreamOperator {

    private final Source<Object> source;
    private SourceReader<Object> reader;
    private long emitted;
    private long reported;

    @SuppressWarnings("unchecked")
    public SourceOperator(Source<?> source) {
        this.source = (Source<Object>) source;
    }

    @Override
    public void setup(OperatorContext context, dev.weir.runtime.dataflow.functions.Collector<Object> output) {
        super.setup(context, record -> {
            emitted++;
            output.collect(record);
        });
    }

    /**
     * Every record emitted so far; any thread may read it without synchronization (a plain long,
     * as Flink's {@code SimpleCounter}), and may see it a few records behind.
     */
    public long emittedSoFar() {
        return emitted;
    }

    /** Records emitted since the last call (for metrics, read per poll, not per record). */
    public long takeEmittedCount() {
        long delta = emitted - reported;
        reported = emitted;
        return delta;
    }

    @Override
    public void open() throws Exception {
        reader = source.createReader(new SourceContext(context.jobName(), context.subtask(),
                context.parallelism(), context.maxParallelism(), context.attempt(), context.operatorState()));
    }

    public InputStatus pollNext() throws Exception {
        return reader.pollNext(output);
    }

    @Override
    public void collect(Object record) {
        throw new UnsupportedOperationException("a source has no input");
    }

    @Override
    public byte[] snapshotOperatorState(long checkpointId) throws Exception {
        return reader.snapshotState(checkpointId);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        reader.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        if (reader != null) {
            reader.close();
        }
    }
}
