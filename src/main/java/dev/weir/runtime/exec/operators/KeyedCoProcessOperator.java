package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;

/**
 * Runs a {@link KeyedCoProcessFunction}: a record of either input sets its key (each input has its
 * own key selector, both of one key type) on the one state backend both inputs share, then goes to
 * {@code processElement1} or {@code processElement2}. Timers and watermarks as for one input; the
 * watermark is already the minimum over both inputs' channels.
 */
public final class KeyedCoProcessOperator extends AbstractKeyedOperator {

    private final KeyedCoProcessFunction<Object, Object, Object, Object> function;
    private final KeySelector<Object, Object> firstKeys;
    private final KeySelector<Object, Object> secondKeys;
    private final Collector<Object> first = this::processElement1;
    private final Collector<Object> second = this::processElement2;

    @SuppressWarnings("unchecked")
    public KeyedCoProcessOperator(KeyedCoProcessFunction<?, ?, ?, ?> function, Partitioning.KeyBy<?, ?> firstKeyBy,
                                  Partitioning.KeyBy<?, ?> secondKeyBy) {
        super(firstKeyBy.keySerializer());
        this.function = (KeyedCoProcessFunction<Object, Object, Object, Object>) function;
        this.firstKeys = (KeySelector<Object, Object>) firstKeyBy.keySelector();
        this.secondKeys = (KeySelector<Object, Object>) secondKeyBy.keySelector();
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
            setCurrentKey(firstKeys, record);
            function.processElement1(record, this, output);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
    }

    private void processElement2(Object record) {
        try {
            setCurrentKey(secondKeys, record);
            function.processElement2(record, this, output);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
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
