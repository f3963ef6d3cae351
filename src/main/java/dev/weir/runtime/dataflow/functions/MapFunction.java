package dev.weir.runtime.dataflow.functions;

@FunctionalInterface
public interface MapFunction<I, O> {
    O map(I value) throws Exception;
}
