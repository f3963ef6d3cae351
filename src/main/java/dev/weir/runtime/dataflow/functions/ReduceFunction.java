package dev.weir.runtime.dataflow.functions;

/** Combines two values into one of the same type; applied incrementally as records arrive. */
@FunctionalInterface
public interface ReduceFunction<T> {
    T reduce(T accumulated, T value) throws Exception;
}
