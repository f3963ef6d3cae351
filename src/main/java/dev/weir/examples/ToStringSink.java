package dev.weir.examples;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Hands {@code record.toString()} to a sink of strings: the example jobs' outputs are generic in
 * the record type, while the JDBC sinks need a concrete type to serialize and to turn into rows.
 */
final class ToStringSink<T> implements Sink<T> {

    private final Sink<String> inner;

    ToStringSink(Sink<String> inner) {
        this.inner = inner;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        SinkWriter<String> writer = inner.createWriter(context);
        return new SinkWriter<>() {
            @Override
            public void write(T record) throws Exception {
                writer.write(record.toString());
            }

            @Override
            public void endInput() throws Exception {
                writer.endInput();
            }

            @Override
            public byte[] snapshotState(long checkpointId) throws Exception {
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
                writer.close();
            }
        };
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
