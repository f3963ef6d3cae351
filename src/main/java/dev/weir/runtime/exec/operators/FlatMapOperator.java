package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.functions.FlatMapFunction;

public final class FlatMapOperator extends StreamOperator {

    private final FlatMapFunction<Object, Object> function;

    @SuppressWarnings("unchecked")
    public FlatMapOperator(FlatMapFunction<?, ?> function) {
        this.function = (FlatMapFunction<Object, Object>) function;
    }

    @Override
    public void collect(Object record) {
        try {
            function.flatMap(record, output);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
    }
}
