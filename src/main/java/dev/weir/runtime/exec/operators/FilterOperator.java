package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.functions.FilterFunction;

public final class FilterOperator extends StreamOperator {

    private final FilterFunction<Object> function;

    @SuppressWarnings("unchecked")
    public FilterOperator(FilterFunction<?> function) {
        this.function = (FilterFunction<Object>) function;
    }

    @Override
    public void collect(Object record) {
        boolean keep;
        try {
            keep = function.filter(record);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
        if (keep) {
            output.collect(record);
        }
    }
}
