package dev.weir.runtime.dataflow;

import java.util.List;

import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;

/**
 * Two streams keyed by the same key type ({@code keyedA.connect(keyedB)}): records of either with
 * equal keys go to the same subtask, where one {@link KeyedCoProcessFunction} sees both with one
 * keyed state and one set of timers per key.
 */
public final class KeyedConnectedStreams<A, B, K> {

    private final StreamEnvironment env;
    private final KeyedStream<A, K> first;
    private final KeyedStream<B, K> second;

    KeyedConnectedStreams(StreamEnvironment env, KeyedStream<A, K> first, KeyedStream<B, K> second) {
        this.env = env;
        this.first = first;
        this.second = second;
    }

    public <R> DataStream<R> process(KeyedCoProcessFunction<K, A, B, R> function) {
        if (function == null) {
            throw new IllegalArgumentException("the keyed co-process function must not be null");
        }
        return new DataStream<>(env, env.addNode(null, new StreamNode.KeyedCoProcessKind(function), List.of(
                new StreamNode.Input(first.inputNode(), first.partitioning(), 0),
                new StreamNode.Input(second.inputNode(), second.partitioning(), 1))));
    }
}
