package dev.weir.runtime.dataflow;

import dev.weir.runtime.dataflow.functions.FlatMapFunction;
import dev.weir.runtime.dataflow.functions.MapFunction;

/** A stream whose next operator receives records round robin from every upstream subtask. */
public final class RebalancedStream<T> {

    private final StreamEnvironment env;
    private final StreamNode input;

    RebalancedStream(StreamEnvironment env, StreamNode input) {
        this.env = env;
        this.input = input;
    }

    public <R> DataStream<R> map(MapFunction<T, R> function) {
        return new DataStream<>(env, env.addNode(null, new StreamNode.MapKind(function), input, new Partitioning.Rebalance()));
    }

    public <R> DataStream<R> flatMap(FlatMapFunction<T, R> function) {
        return new DataStream<>(env, env.addNode(null, new StreamNode.FlatMapKind(function), input, new Partitioning.Rebalance()));
    }

    public DataStream.SinkHandle sinkTo(Sink<T> sink) {
        return new DataStream.SinkHandle(env.addNode(null, new StreamNode.SinkKind(sink), input, new Partitioning.Rebalance()));
    }
}
