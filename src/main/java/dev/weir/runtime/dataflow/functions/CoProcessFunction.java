package dev.weir.runtime.dataflow.functions;

import dev.weir.runtime.dataflow.OutputTag;

/**
 * A function of two connected streams that are not keyed: each record of the first input goes to
 * {@link #processElement1}, each of the second to {@link #processElement2}, on one thread, so the
 * function may keep fields (they are not checkpointed: use a keyed function for state).
 */
public abstract class CoProcessFunction<I1, I2, O> {

    public void open(RuntimeContext context) throws Exception {}

    public abstract void processElement1(I1 value, Context context, Collector<O> out) throws Exception;

    public abstract void processElement2(I2 value, Context context, Collector<O> out) throws Exception;

    /** Called once after the last record of both inputs (a bounded job). */
    public void endInput(Collector<O> out) throws Exception {}

    public void close() throws Exception {}

    public interface Context {
        /** The event timestamp of the record being handled, or null if it has none. */
        Long timestamp();

        /** Emits {@code value} to the side output {@code tag}, with the timestamp of the record being handled. */
        <X> void output(OutputTag<X> tag, X value);
    }
}
