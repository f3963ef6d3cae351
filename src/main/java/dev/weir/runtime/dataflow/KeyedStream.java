package dev.weir.runtime.dataflow;

import java.util.function.BiFunction;
import java.util.function.ToLongFunction;

import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.ReduceFunction;
import dev.weir.runtime.dataflow.windowing.WindowAssigner;
import dev.weir.runtime.dataflow.windowing.WindowedStream;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/** A stream partitioned by key; keyed functions on it have keyed state and timers. */
public final class KeyedStream<T, K> {

    private final StreamEnvironment env;
    private final StreamNode input;
    private final Partitioning.KeyBy<T, K> partitioning;

    KeyedStream(StreamEnvironment env, StreamNode input, Partitioning.KeyBy<T, K> partitioning) {
        this.env = env;
        this.input = input;
        this.partitioning = partitioning;
    }

    /** Cuts the stream into windows per key ({@link dev.weir.runtime.dataflow.windowing.TumblingWindows}, ...). */
    public WindowedStream<T, K> window(WindowAssigner assigner) {
        return new WindowedStream<>(this, assigner);
    }

    /**
     * This stream and {@code other}, keyed by the same key type, as the two inputs of one keyed
     * function with shared keyed state and timers.
     */
    public <B> KeyedConnectedStreams<T, B, K> connect(KeyedStream<B, K> other) {
        if (other == null || other.env != env) {
            throw new IllegalArgumentException("connect: the other stream must be a keyed stream of the same job");
        }
        return new KeyedConnectedStreams<>(env, this, other);
    }

    /**
     * Joins this stream (left) with {@code other} (right) on key and event time: set the interval
     * with {@link IntervalJoin#between}. Both inputs need event time (a source WatermarkStrategy).
     */
    public <R> IntervalJoin<T, R, K> intervalJoin(KeyedStream<R, K> other) {
        if (other == null || other.env != env) {
            throw new IllegalArgumentException("intervalJoin: the other stream must be a keyed stream of the same job");
        }
        return new IntervalJoin<>(env, this, other);
    }

    /**
     * Whether a window aggregation on this stream can run a local stage chained to its input (not
     * behind a union, which runs no operator to chain to).
     */
    public boolean canAggregateLocally() {
        return !input.isVirtual();
    }

    /**
     * The local stage of a two-phase window aggregation (see {@code WindowedStream#aggregate}): in
     * each subtask of this stream's input, before the shuffle, the records of each key and slice of
     * event time are added to one accumulator of {@code function}; the result is the stream of
     * those accumulators with their keys, keyed alike, for the window operator to merge.
     */
    public <ACC> KeyedStream<KeyValue<K, ACC>, K> aggregatedLocally(AggregateFunction<T, ACC, ?> function,
                                                                   TypeSerializer<ACC> accumulatorSerializer,
                                                                   long slice, long offset) {
        if (!canAggregateLocally()) {
            throw new IllegalStateException("a keyed union has no operator to chain a local aggregation to");
        }
        StreamNode local = env.addNode(null, new StreamNode.LocalWindowAggregateKind(partitioning.keySelector(),
                partitioning.keySerializer() == Types.LONG, function, slice, offset), input, new Partitioning.Forward());
        local.setOutputSerializer(KeyValue.serializer(partitioning.keySerializer(), accumulatorSerializer));
        return new KeyedStream<>(env, local, new Partitioning.KeyBy<>(KeyValue::key, partitioning.keySerializer()));
    }

    StreamNode inputNode() {
        return input;
    }

    Partitioning.KeyBy<T, K> partitioning() {
        return partitioning;
    }

    public <R> DataStream<R> process(KeyedProcessFunction<K, T, R> function) {
        return new DataStream<>(env, env.addNode(null, new StreamNode.KeyedProcessKind(function), input, partitioning));
    }

    /**
     * Rolling reduce (Flink's {@code KeyedStream#reduce}): combines each record with its key's value
     * so far and emits the combined value, once per record. The value is keyed state, written with
     * the stream's serializer (declared with {@code returns(...)} before {@code keyBy}).
     */
    public DataStream<T> reduce(ReduceFunction<T> function) {
        return reduce(function, declaredSerializer("reduce"));
    }

    /** Rolling reduce whose per-key value is written with {@code serializer}. */
    public DataStream<T> reduce(ReduceFunction<T> function, TypeSerializer<T> serializer) {
        if (function == null) {
            throw new IllegalArgumentException("the reduce function must not be null");
        }
        return rolling(new RollingAggregations.Reducing<>(function), serializer, (key, value) -> value)
                .returns(serializer);
    }

    /**
     * Rolling sum of a long field: emits, for every record, its key and the key's total so far
     * (Flink's {@code sum}; the running total rather than the record with its field replaced).
     */
    public DataStream<KeyValue<K, Long>> sum(ToLongFunction<T> field) {
        if (field == null) {
            throw new IllegalArgumentException("the summed field must not be null");
        }
        return rolling(new RollingAggregations.LongSum<>(field), Types.LONG, KeyValue::new)
                .returns(KeyValue.serializer(partitioning.keySerializer(), Types.LONG));
    }

    /**
     * Rolling aggregation: adds each record to its key's accumulator (keyed state, written with
     * {@code accumulator}) and emits the updated result, once per record.
     */
    public <ACC, R> DataStream<R> aggregate(AggregateFunction<T, ACC, R> function, TypeSerializer<ACC> accumulator) {
        if (function == null) {
            throw new IllegalArgumentException("the aggregate function must not be null");
        }
        return rolling(function, accumulator, (key, result) -> result);
    }

    private <ACC, R, O> DataStream<O> rolling(AggregateFunction<T, ACC, R> function, TypeSerializer<ACC> accumulator,
                                              BiFunction<K, R, O> output) {
        if (accumulator == null) {
            throw new IllegalArgumentException("the accumulator serializer must not be null: it is checkpointed keyed state");
        }
        return process(new RollingAggregateFunction<>(function, accumulator, output));
    }

    @SuppressWarnings("unchecked")
    private TypeSerializer<T> declaredSerializer(String operation) {
        if (input.outputSerializer() == null) {
            throw new IllegalArgumentException("operator '" + input.uid() + "': " + operation + "(...) on its keyed"
                    + " stream keeps a value per key in checkpointed state and needs the records' serializer: declare"
                    + " it with returns(...) on '" + input.uid() + "', or pass it to " + operation + "(function, serializer)");
        }
        return (TypeSerializer<T>) input.outputSerializer();
    }
}
