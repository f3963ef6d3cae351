package dev.weir.runtime.dataflow.functions;

/**
 * A keyed function of two streams keyed by the same key type ({@code keyedA.connect(keyedB)}):
 * records of either input with equal keys meet in the same subtask and see the same keyed state
 * and timers, scoped to the key of the record (or timer) being handled. Event and processing time
 * timers, checkpoints, rescaling and end of input behave as {@link KeyedProcessFunction}'s; the
 * operator's watermark is the minimum over both inputs.
 */
public abstract class KeyedCoProcessFunction<K, I1, I2, O> {

    public void open(RuntimeContext context) throws Exception {}

    public abstract void processElement1(I1 value, KeyedProcessFunction.Context<K> context, Collector<O> out)
            throws Exception;

    public abstract void processElement2(I2 value, KeyedProcessFunction.Context<K> context, Collector<O> out)
            throws Exception;

    /** A timer of the current key fired; as {@link KeyedProcessFunction#onTimer}. */
    public void onTimer(long timestamp, KeyedProcessFunction.Context<K> context, Collector<O> out) throws Exception {}

    /** Called once after the last record and timer of both inputs, outside any key. */
    public void endInput(Collector<O> out) throws Exception {}

    public void close() throws Exception {}
}
