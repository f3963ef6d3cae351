package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/** The end of a chain: hands records to the sink's writer and relays the checkpoint contract. */
public final class SinkOperator extends StreamOperator {

    private final Sink<Object> sink;
    private SinkWriter<Object> writer;
    private long recordsIn;

    @SuppressWarnings("unchecked")
    public SinkOperator(Sink<?> sink) {
        this.sink = (Sink<Object>) sink;
    }

    @Override
    public void open() throws Exception {
        writer = sink.createWriter(new SinkContext(
                context.jobName(), context.subtask(), context.parallelism(), context.attempt(), context.operatorState()));
    }

    @Override
    public void collect(Object record) {
        recordsIn++;
        try {
            writer.write(record);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
    }

    @Override
    public void endInput() throws Exception {
        writer.endInput();
    }

    @Override
    public byte[] snapshotOperatorState(long checkpointId) throws Exception {
        return writer.snapshotState(checkpointId);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        writer.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        writer.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        if (writer != null) {
            writer.close();
        }
    }

    /** Records received since the last call. */
    public long takeRecordsIn() {
        long n = recordsIn;
        recordsIn = 0;
        return n;
    }
}
