package dev.weir.connectors.sink;

import dev.weir.runtime.dataflow.SinkWriter;

/**
 * A sink writer that wraps another: every part of the checkpoint contract goes to the inner
 * writer; subclasses change only what they need (how a record is written, what happens before a
 * commit).
 */
public abstract class ForwardingSinkWriter<IN, OUT> implements SinkWriter<IN> {

    protected final SinkWriter<OUT> inner;

    protected ForwardingSinkWriter(SinkWriter<OUT> inner) {
        this.inner = inner;
    }

    @Override
    public void endInput() throws Exception {
        inner.endInput();
    }

    @Override
    public byte[] snapshotState(long checkpointId) throws Exception {
        return inner.snapshotState(checkpointId);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        inner.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        inner.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        inner.close();
    }
}
