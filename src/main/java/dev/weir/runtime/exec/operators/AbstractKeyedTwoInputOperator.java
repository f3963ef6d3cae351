package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeySelector;

/**
 * A keyed operator of two inputs keyed alike: a record of either input sets its key (each input has
 * its own key selector, both of one key type) on the one state backend both inputs share, then
 * goes to {@link #processElement1} or {@link #processElement2}. The watermark the timers see is
 * already the minimum over both inputs' channels (the task's valve).
 */
public abstract class AbstractKeyedTwoInputOperator extends AbstractKeyedOperator {

    private final KeySelector<Object, Object> firstKeys;
    private final KeySelector<Object, Object> secondKeys;
    private final Collector<Object> first = this::first;
    private final Collector<Object> second = this::second;

    @SuppressWarnings("unchecked")
    protected AbstractKeyedTwoInputOperator(Partitioning.KeyBy<?, ?> firstKeyBy, Partitioning.KeyBy<?, ?> secondKeyBy) {
        super(firstKeyBy.keySerializer());
        this.firstKeys = (KeySelector<Object, Object>) firstKeyBy.keySelector();
        this.secondKeys = (KeySelector<Object, Object>) secondKeyBy.keySelector();
    }

    /** A record of the first input; its key is the current key. */
    protected abstract void processElement1(Object record) throws Exception;

    /** A record of the second input; its key is the current key. */
    protected abstract void processElement2(Object record) throws Exception;

    @Override
    public final Collector<Object> input(int index) {
        return switch (index) {
            case 0 -> first;
            case 1 -> second;
            default -> throw new IllegalArgumentException("operator '" + uid() + "' has two inputs, not an input " + index);
        };
    }

    @Override
    public final void collect(Object record) {
        throw new IllegalStateException("operator '" + uid() + "' has two inputs: records go to input(0) or input(1)");
    }

    private void first(Object record) {
        try {
            setCurrentKey(firstKeys, record);
            processElement1(record);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
    }

    private void second(Object record) {
        try {
            setCurrentKey(secondKeys, record);
            processElement2(record);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
    }
}
