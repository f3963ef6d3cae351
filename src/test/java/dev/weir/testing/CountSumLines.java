package dev.weir.testing;

import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.Types;

/** keyed-count's function for test jobs: per key, the line {@code key,count,sum} after every record. */
public final class CountSumLines extends KeyedProcessFunction<Long, Long, String> {
    private ValueState<long[]> countSum;

    @Override
    public void open(RuntimeContext context) {
        countSum = context.getState(StateDescriptor.value("count-sum", Types.LONG_ARRAY));
    }

    @Override
    public void processElement(Long value, Context<Long> context, Collector<String> out) {
        long[] current = countSum.value();
        long[] next = current == null ? new long[2] : current.clone();
        next[0]++;
        next[1] += value;
        countSum.update(next);
        out.collect(context.getCurrentKey() + "," + next[0] + "," + next[1]);
    }
}
