package dev.weir.runtime.dataflow.functions;

@FunctionalInterface
public interface FlatMapFunction<I, O> {
    void flatMap(I value, Collector<O> out) throws Exception;
}
