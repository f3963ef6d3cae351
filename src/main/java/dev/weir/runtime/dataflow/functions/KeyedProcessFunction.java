package dev.weir.runtime.dataflow.functions;

/**
 * The keyed function with state and timers. State obtained from the {@link RuntimeContext} in
 * {@link #open} is scoped to the key of the record (or timer) being processed.
 */
public abstract class KeyedProcessFunction<K, I, O> {

    public void open(RuntimeContext context) throws Exception {}

    public abstract void processElement(I value, Context<K> context, Collector<O> out) throws Exception;

    /** Called on the task thread when a processing-time timer of the current key fires. */
    public void onTimer(long timestamp, Context<K> context, Collector<O> out) throws Exception {}

    public void close() throws Exception {}

    public interface Context<K> {
        K getCurrentKey();

        TimerService timerService();
    }
}
