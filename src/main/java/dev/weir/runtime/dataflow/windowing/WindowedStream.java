package dev.weir.runtime.dataflow.windowing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.KeyValue;
import dev.weir.runtime.dataflow.KeyedStream;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.ProcessWindowFunction;
import dev.weir.runtime.dataflow.functions.ReduceFunction;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * A keyed stream cut into windows: {@code keyBy(...).window(TumblingWindows.ofEventTime(...))}
 * then {@code reduce} or {@code aggregate}. Window contents are keyed state (the accumulator
 * serializer says how they are checkpointed), so they survive failures and rescaling.
 */
public final class WindowedStream<T, K> {

    private final KeyedStream<T, K> input;
    private final WindowAssigner assigner;
    private long allowedLateness;
    private OutputTag<T> lateDataTag;
    private boolean localAggregation = true;

    public WindowedStream(KeyedStream<T, K> input, WindowAssigner assigner) {
        if (assigner == null) {
            throw new IllegalArgumentException("the window assigner must not be null");
        }
        this.input = input;
        this.assigner = assigner;
    }

    /**
     * Keeps each event-time window this long after it fired: a record that arrives behind the
     * watermark but within it fires the window again with the record added. Later records are dropped.
     */
    public WindowedStream<T, K> allowedLateness(Duration lateness) {
        this.allowedLateness = WindowLateness.allowed(assigner, lateness);
        return this;
    }

    /**
     * Sends records that are too late for every window they belong to (behind the watermark by more
     * than the allowed lateness) to the side output {@code tag} instead of dropping them: read them
     * with {@code getSideOutput(tag)} on the window's result stream.
     */
    public WindowedStream<T, K> sideOutputLateData(OutputTag<T> tag) {
        this.lateDataTag = WindowLateness.sideOutput(assigner, tag);
        return this;
    }

    /** Combines each window's records incrementally; emits the combined value when the window fires. */
    public DataStream<T> reduce(ReduceFunction<T> function, TypeSerializer<T> serializer) {
        return aggregate(new ReducingAggregate<>(function), serializer, (key, window, results, out) -> {
            for (T result : results) {
                out.collect(result);
            }
        });
    }

    /** Aggregates each window's records incrementally; emits the result when the window fires. */
    public <ACC, R> DataStream<R> aggregate(AggregateFunction<T, ACC, R> function, TypeSerializer<ACC> accumulator) {
        return aggregate(function, accumulator, (key, window, results, out) -> {
            for (R result : results) {
                out.collect(result);
            }
        });
    }

    /**
     * Aggregates incrementally, and when the window fires hands the single result, with the key and
     * the window, to {@code windowFunction}.
     */
    public <ACC, V, R> DataStream<R> aggregate(AggregateFunction<T, ACC, V> function, TypeSerializer<ACC> accumulator,
                                               ProcessWindowFunction<V, R, K> windowFunction) {
        if (accumulator == null) {
            throw new IllegalArgumentException("the accumulator serializer must not be null: window contents are checkpointed");
        }
        if (assigner.isMerging() && !AggregateFunction.implementsMerge(function)) {
            throw new IllegalArgumentException(function.getClass().getName() + " must implement merge(): "
                    + assigner + " merges windows, and with them their accumulators");
        }
        if (function.mergeIsExact() && !AggregateFunction.implementsMerge(function)) {
            throw new IllegalArgumentException(function.getClass().getName() + " says mergeIsExact() but does not"
                    + " implement merge()");
        }
        long slice = localSlice(function);
        if (slice > 0) {
            return windowOperator(input.aggregatedLocally(function, accumulator, slice, offset()),
                    new MergingPartials<>(function), accumulator, windowFunction, null);
        }
        return windowOperator(input, function, accumulator, windowFunction, lateDataTag);
    }

    /**
     * Whether {@code aggregate} may combine records before the shuffle (default true): where it can,
     * each subtask of the input adds the records of a key and window (of a sliding window's pane) to
     * one accumulator, chained to the input, and only those accumulators cross the network, to be
     * merged by the window operator (Flink SQL's local-global window aggregation). The results are
     * the same either way; turn it off to compare, or to see every record in the window operator.
     * It applies to event-time tumbling windows, and to sliding windows whose size is a multiple of
     * their slide, aggregated by a function whose {@link AggregateFunction#mergeIsExact() merge is
     * exact}, without allowed lateness or a late-data side output.
     */
    public WindowedStream<T, K> localAggregation(boolean enabled) {
        this.localAggregation = enabled;
        return this;
    }

    /** The slice of event time the local stage aggregates over, or 0 where there is none. */
    private long localSlice(AggregateFunction<T, ?, ?> function) {
        if (!localAggregation || !function.mergeIsExact() || !assigner.isEventTime() || allowedLateness != 0
                || lateDataTag != null || !input.canAggregateLocally()) {
            return 0;
        }
        if (assigner instanceof TumblingWindows tumbling) {
            return tumbling.size();
        }
        return SlicedWindowProcessFunction.canSlice(assigner) ? ((SlidingWindows) assigner).slide() : 0;
    }

    private long offset() {
        return assigner instanceof TumblingWindows tumbling ? tumbling.offset() : ((SlidingWindows) assigner).offset();
    }

    private <IN, ACC, V, R> DataStream<R> windowOperator(KeyedStream<IN, K> records, AggregateFunction<IN, ACC, V> function,
                                                        TypeSerializer<ACC> accumulator,
                                                        ProcessWindowFunction<V, R, K> windowFunction,
                                                        OutputTag<IN> lateData) {
        if (function.mergeIsExact() && SlicedWindowProcessFunction.canSlice(assigner)) {
            return records.process(new SlicedWindowProcessFunction<K, IN, ACC, R>((SlidingWindows) assigner, function,
                    accumulator, (key, window, acc, out) ->
                            windowFunction.process(key, window, List.of(function.getResult(acc)), out),
                    allowedLateness, WindowProcessFunction.LateDataOutput.to(lateData)));
        }
        return records.process(new WindowProcessFunction<>(assigner, function, accumulator, windowFunction,
                allowedLateness, lateData));
    }

    /**
     * Keeps every record of a window (in keyed state, written with {@code serializer}) and hands them
     * all, with the key and the window, to {@code function} when the window fires: in arrival order,
     * except that the records of sessions that merged come part after part.
     * Costs state per record: prefer {@link #reduce} or {@link #aggregate} when the result can be
     * computed incrementally.
     */
    public <R> DataStream<R> process(ProcessWindowFunction<T, R, K> function, TypeSerializer<T> serializer) {
        if (serializer == null) {
            throw new IllegalArgumentException("the record serializer must not be null: window contents are checkpointed");
        }
        Collecting<T> collecting = new Collecting<>();
        return input.process(WindowProcessFunction.<K, T, List<T>, R>emitting(assigner, collecting,
                Types.list(serializer), function::process, allowedLateness,
                WindowProcessFunction.LateDataOutput.to(lateDataTag)));
    }

    /**
     * The window operator's side of a local aggregation: its input is the local stage's accumulators
     * with their keys, each merged into the window's accumulator in place of the records it holds.
     */
    private record MergingPartials<K, ACC, V>(AggregateFunction<?, ACC, V> function)
            implements AggregateFunction<KeyValue<K, ACC>, ACC, V> {
        @Override
        public ACC createAccumulator() {
            return function.createAccumulator();
        }

        @Override
        public ACC add(KeyValue<K, ACC> partial, ACC accumulator) {
            return function.merge(accumulator, partial.value());
        }

        @Override
        public V getResult(ACC accumulator) {
            return function.getResult(accumulator);
        }

        @Override
        public ACC merge(ACC a, ACC b) {
            return function.merge(a, b);
        }

        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }

    /** All of a window's records, as the accumulator and the result. */
    private record Collecting<T>() implements AggregateFunction<T, List<T>, List<T>> {
        @Override
        public List<T> createAccumulator() {
            return new ArrayList<>();
        }

        @Override
        public List<T> add(T value, List<T> accumulator) {
            accumulator.add(value);
            return accumulator;
        }

        @Override
        public List<T> getResult(List<T> accumulator) {
            return accumulator;
        }

        @Override
        public List<T> merge(List<T> a, List<T> b) {
            a.addAll(b);
            return a;
        }
    }

    /** The reduce function as an aggregation whose accumulator is the reduced value. */
    private record ReducingAggregate<T>(ReduceFunction<T> function) implements AggregateFunction<T, T, T> {
        @Override
        public T createAccumulator() {
            return null;
        }

        @Override
        public T add(T value, T accumulator) {
            try {
                return accumulator == null ? value : function.reduce(accumulator, value);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("reduce function failed: " + e, e);
            }
        }

        @Override
        public T getResult(T accumulator) {
            return accumulator;
        }

        @Override
        public T merge(T a, T b) {
            return a == null ? b : b == null ? a : add(b, a);
        }
    }
}
