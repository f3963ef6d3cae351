package dev.weir.examples;

import java.util.function.Supplier;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Builds the real sink only when a writer is created, i.e. on the worker: the job graph is also
 * built where the coordinator runs (to know the tasks and fail fast on a bad job), and that
 * process has no connector credentials (on Kubernetes only the worker pods get the Secret). So
 * the environment is read where the sink writes; the parts of the setting that need no
 * environment are validated eagerly by the caller.
 */
final class DeferredSink<T> implements Sink<T> {

    private final String description;
    private final Supplier<Sink<T>> factory;

    DeferredSink(String description, Supplier<Sink<T>> factory) {
        this.description = description;
        this.factory = factory;
    }

    /** The sink as it would be built now, from the current environment. */
    Sink<T> resolve() {
        return factory.get();
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        return resolve().createWriter(context);
    }

    @Override
    public String toString() {
        return description;
    }
}
