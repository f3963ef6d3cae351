package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;

/**
 * Runs a {@link KeyedCoProcessFunction}: records of either input go, under their key, to
 * {@code processElement1} or {@code processElement2}; both share keyed state and timers.
 */
public final class KeyedCoProcessOperator extends AbstractKeyedTwoInputOperator {

    private final KeyedCoProcessFunction<Object, Object, Object, Object> function;

    @SuppressWarnings("unchecked")
    public KeyedCoProcessOperator(KeyedCoProcessFunction<?, ?, ?, ?> function, Partitioning.KeyBy<?, ?> firstKeyBy,
                                  Partitioning.KeyBy<?, ?> secondKeyBy) {
        super(firstKeyBy, secondKeyBy);
        this.function = (KeyedCoProcessFunction<Object, Object, Object, Object>) function;
    }

    @Override
    protected void processElement1(Object record) throws Exception {
        function.processElement1(record, this, output);
    }

    @Override
    protected void processElement2(Object record) throws Exception {
        function.processElement2(record, this, output);
    }

    @Override
    protected void openFunction() throws Exception {
        function.open(this);
    }

    @Override
    protected void invokeOnTimer(long timestamp) throws Exception {
        function.onTimer(timestamp, this, output);
    }

    @Override
    protected void invokeEndInput() throws Exception {
        function.endInput(output);
    }

    @Override
    protected void closeFunction() throws Exception {
        function.close();
    }
}
