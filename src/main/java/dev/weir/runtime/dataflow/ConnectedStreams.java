package dev.weir.runtime.dataflow;

import java.util.List;

import dev.weir.runtime.dataflow.functions.CoFlatMapFunction;
import dev.weir.runtime.dataflow.functions.CoMapFunction;
import dev.weir.runtime.dataflow.functions.CoProcessFunction;
import dev.weir.runtime.dataflow.functions.Collector;

/**
 * Two streams, possibly of different types, read by one function of two inputs ({@code a.connect(b)}).
 * Not keyed: subtask i of the function reads subtask i of each input. For shared keyed state,
 * connect two keyed streams instead ({@link KeyedStream#connect}).
 */
public final class ConnectedStreams<A, B> {

    private final StreamEnvironment env;
    private final StreamNode first;
    private final StreamNode second;

    ConnectedStreams(StreamEnvironment env, StreamNode first, StreamNode second) {
        this.env = env;
        this.first = first;
        this.second = second;
    }

    public <R> DataStream<R> process(CoProcessFunction<A, B, R> function) {
        if (function == null) {
            throw new IllegalArgumentException("the co-process function must not be null");
        }
        return new DataStream<>(env, env.addNode(null, new StreamNode.CoProcessKind(function), List.of(
                new StreamNode.Input(first, new Partitioning.Forward(), 0),
                new StreamNode.Input(second, new Partitioning.Forward(), 1))));
    }

    public <R> DataStream<R> map(CoMapFunction<A, B, R> function) {
        return process(new CoProcessFunction<>() {
            @Override
            public void processElement1(A value, Context context, Collector<R> out) throws Exception {
                out.collect(function.map1(value));
            }

            @Override
            public void processElement2(B value, Context context, Collector<R> out) throws Exception {
                out.collect(function.map2(value));
            }
        });
    }

    public <R> DataStream<R> flatMap(CoFlatMapFunction<A, B, R> function) {
        return process(new CoProcessFunction<>() {
            @Override
            public void processElement1(A value, Context context, Collector<R> out) throws Exception {
                function.flatMap1(value, out);
            }

            @Override
            public void processElement2(B value, Context context, Collector<R> out) throws Exception {
                function.flatMap2(value, out);
            }
        });
    }
}
