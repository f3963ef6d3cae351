package dev.weir.runtime.dataflow;

import java.util.function.BiFunction;

import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * A keyed stream's rolling aggregation (Flink's {@code KeyedStream#reduce/sum/aggregate}): one
 * accumulator per key in value state, updated by every record, and the updated result emitted
 * for every record. Checkpointed and rescaled with the key's group like any keyed state.
 */
final class RollingAggregateFunction<K, T, ACC, R, O> extends KeyedProcessFunction<K, T, O> {

    private final AggregateFunction<T, ACC, R> function;
    private final StateDescriptor.Value<ACC> descriptor;
    private final BiFunction<K, R, O> output;
    private ValueState<ACC> accumulator;

    /**
     * @param output what to emit from the key and the aggregate's result (the result itself, or
     *               the key with it)
     */
    RollingAggregateFunction(AggregateFunction<T, ACC, R> function, TypeSerializer<ACC> accumulator,
                             BiFunction<K, R, O> output) {
        this.function = function;
        this.descriptor = StateDescriptor.value("rolling-aggregate", accumulator);
        this.output = output;
    }

    @Override
    public void open(RuntimeContext context) {
        accumulator = context.getState(descriptor);
    }

    @Override
    public void processElement(T value, Context<K> context, Collector<O> out) {
        ACC current = accumulator.value();
        ACC updated = function.add(value, current == null ? function.createAccumulator() : current);
        accumulator.update(updated);
        out.collect(output.apply(context.getCurrentKey(), function.getResult(updated)));
    }
}
