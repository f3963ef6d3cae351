package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.network.RecordBatch;

/**
 * Runs a {@link KeyedProcessFunction}: sets the record's key on the state backend, then calls it.
 * A watermark fires the event-time timers it passed before it goes downstream.
 */
public final class KeyedProcessOperator extends AbstractKeyedOperator implements PrefetchingInput {

    private final KeyedProcessFunction<Object, Object, Object> function;
    private final KeySelector<Object, Object> keySelector;

    @SuppressWarnings("unchecked")
    public KeyedProcessOperator(KeyedProcessFunction<?, ?, ?> function, Partitioning.KeyBy<?, ?> keyBy) {
        super(keyBy.keySerializer());
        this.function = (KeyedProcessFunction<Object, Object, Object>) function;
        this.keySelector = (KeySelector<Object, Object>) keyBy.keySelector();
    }

    @Override
    protected void openFunction() throws Exception {
        function.open(this);
    }

    @Override
    public boolean prefetches() {
        return backend.prefetches();
    }

    @Override
    public void prefetch(RecordBatch batch, int from, int to) {
        prefetchKeys(keySelector, batch, from, to);
    }

    @Override
    public void collect(Object record) {
        try {
            setCurrentKey(keySelector, record);
            function.processElement(record, this, output);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
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
