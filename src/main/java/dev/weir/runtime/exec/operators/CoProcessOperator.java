package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.CoProcessFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.StateDescriptor;

/** Runs a non-keyed {@link CoProcessFunction}: records of input 0 go to processElement1, of input 1 to processElement2. */
public final class CoProcessOperator extends StreamOperator implements CoProcessFunction.Context, RuntimeContext {

    private final CoProcessFunction<Object, Object, Object> function;
    private final Collector<Object> first = this::processElement1;
    private final Collector<Object> second = this::processElement2;
    private RecordTimestamp recordTimestamp;

    @SuppressWarnings("unchecked")
    public CoProcessOperator(CoProcessFunction<?, ?, ?> function) {
        this.function = (CoProcessFunction<Object, Object, Object>) function;
    }

    @Override
    public void open() throws Exception {
        recordTimestamp = context.recordTimestamp();
        function.open(this);
    }

    @Override
    public Collector<Object> input(int index) {
        return switch (index) {
            case 0 -> first;
            case 1 -> second;
            default -> throw new IllegalArgumentException("operator '" + uid() + "' has two inputs, not an input " + index);
        };
    }

    @Override
    public void collect(Object record) {
        throw new IllegalStateException("operator '" + uid() + "' has two inputs: records go to input(0) or input(1)");
    }

    private void processElement1(Object record) {
        try {
            function.processElement1(record, this, output);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
    }

    private void processElement2(Object record) {
        try {
            function.processElement2(record, this, output);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
    }

    @Override
    public void endInput() throws Exception {
        function.endInput(output);
    }

    @Override
    public void close() throws Exception {
        function.close();
    }

    // CoProcessFunction.Context

    @Override
    public Long timestamp() {
        return recordTimestamp.isSet() ? recordTimestamp.get() : null;
    }

    @Override
    public <X> void output(OutputTag<X> tag, X value) {
        output.collect(tag, value);
    }

    // RuntimeContext

    @Override
    public int subtaskIndex() {
        return context.subtask();
    }

    @Override
    public int parallelism() {
        return context.parallelism();
    }

    @Override
    public int maxParallelism() {
        return context.maxParallelism();
    }

    @Override
    public <S> S getState(StateDescriptor<S> descriptor) {
        throw new IllegalStateException("operator '" + uid() + "': keyed state needs keyed inputs; connect two keyed"
                + " streams (keyBy(...).connect(other.keyBy(...))) and use a KeyedCoProcessFunction");
    }
}
