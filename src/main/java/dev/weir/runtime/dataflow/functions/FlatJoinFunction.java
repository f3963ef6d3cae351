package dev.weir.runtime.dataflow.functions;

/** As {@link JoinFunction}, emitting any number of records for the pair. */
@FunctionalInterface
public interface FlatJoinFunction<A, B, O> {
    void join(A first, B second, Collector<O> out) throws Exception;
}
