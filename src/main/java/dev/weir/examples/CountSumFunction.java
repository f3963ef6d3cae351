package dev.weir.examples;

import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.Types;

/** Keeps (count, sum) per key and emits the running pair for every record. */
final class CountSumFunction extends KeyedProcessFunction<Long, Long, KeyedCountResult> {

    private ValueState<long[]> countAndSum;

    @Override
    public void open(RuntimeContext context) {
        // Fixed-length (the bytes of Types.LONG_ARRAY, so older checkpoints restore): kept inline by the heap backend.
        countAndSum = context.getState(StateDescriptor.value("count-sum", Types.longArray(2)));
    }

    @Override
    public void processElement(Long value, Context<Long> context, Collector<KeyedCountResult> out) {
        long[] state = countAndSum.value();
        if (state == null) {
            state = new long[2];
        }
        state[0]++;
        state[1] += value;
        // value() is a copy (the heap backend keeps fixed-length values inline): update() stores it.
        countAndSum.update(state);
        out.collect(new KeyedCountResult(context.getCurrentKey(), state[0], state[1]));
    }
}
