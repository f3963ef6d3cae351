package dev.weir.examples;

import dev.weir.connectors.sink.ForwardingSinkWriter;
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
        return new ForwardingSinkWriter<T, String>(inner.createWriter(context)) {
            @Override
            public void write(T record) throws Exception {
                this.inner.write(record.toString());
            }
        };
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
