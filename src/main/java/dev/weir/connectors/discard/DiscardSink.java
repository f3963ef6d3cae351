package dev.weir.connectors.discard;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/** Drops every record (benchmarks measure the engine, not an output system). */
public final class DiscardSink<T> implements Sink<T> {

    @Override
    public SinkWriter<T> createWriter(SinkContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(T record) {}

            @Override
            public byte[] snapshotState(long checkpointId) {
                return null;
            }
        };
    }
}
