package dev.weir.runtime.dataflow.functions;

import dev.weir.runtime.dataflow.OutputTag;

/**
 * The keyed function with state and timers. State obtained from the {@link RuntimeContext} in
 * {@link #open} is scoped to the key of the record (or timer) being processed.
 *
 * <p>End of input (a bounded job): the final watermark fires every pending event-time timer; then
 * every pending processing-time timer fires, in timestamp order, as if the clock had reached it
 * (timers registered while those fire are dropped); then {@link #endInput} runs once.
 */
public abstract class KeyedProcessFunction<K, I, O> {

    public void open(RuntimeContext context) throws Exception {}

    public abstract void processElement(I value, Context<K> context, Collector<O> out) throws Exception;

    /**
     * Called on the task thread when a timer of the current key fires; {@link Context#timeDomain()}
     * says which kind, and for event time {@link Context#timestamp()} is the timer's time (records
     * emitted here carry it).
     */
    public void onTimer(long timestamp, Context<K> context, Collector<O> out) throws Exception {}

    /**
     * Called once after the last record and the last timer (Flink's BoundedOneInput), outside any
     * key: keyed state is not accessible here. Records emitted here still reach the sink.
     */
    public void endInput(Collector<O> out) throws Exception {}

    public void close() throws Exception {}

    public interface Context<K> {
        K getCurrentKey();

        TimerService timerService();

        /** The event timestamp of the record (or event-time timer) being handled, or null if it has none. */
        Long timestamp();

        /** Inside {@link #onTimer}: the domain of the timer that fired; null in processElement. */
        TimeDomain timeDomain();

        /**
         * Emits {@code value} to the side output {@code tag}, with the same timestamp as a record
         * collected here; read it with {@code getSideOutput(tag)} on this function's stream (dropped
         * when nothing reads it). Checkpointed like the main output.
         */
        <X> void output(OutputTag<X> tag, X value);
    }
}
