package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.functions.MapFunction;

public final class MapOperator extends StreamOperator {

    private final MapFunction<Object, Object> function;

    @SuppressWarnings("unchecked")
    public MapOperator(MapFunction<?, ?> function) {
        this.function = (MapFunction<Object, Object>) function;
    }

    @Override
    public void collect(Object record) {
        Object result;
        try {
            result = function.map(record);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
        output.collect(result);
    }
}
