package dev.weir.runtime.dataflow.functions;

/** Emits records downstream. Chained operators receive them by a direct call. */
@FunctionalInterface
public interface Collector<T> {
    void collect(T record);
}
