package dev.weir.runtime.dataflow;

import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.windowing.WindowAssigner;
import dev.weir.runtime.dataflow.windowing.WindowedStream;

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

    StreamNode inputNode() {
        return input;
    }

    Partitioning.KeyBy<T, K> partitioning() {
        return partitioning;
    }

    public <R> DataStream<R> process(KeyedProcessFunction<K, T, R> function) {
        return new DataStream<>(env, env.addNode(null, new StreamNode.KeyedProcessKind(function), input, partitioning));
    }
}
