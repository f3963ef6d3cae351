package dev.weir.runtime.dataflow.functions;

@FunctionalInterface
public interface FilterFunction<T> {
    boolean filter(T value) throws Exception;
}
