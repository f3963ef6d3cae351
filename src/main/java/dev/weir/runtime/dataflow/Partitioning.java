package dev.weir.runtime.dataflow;

import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.state.serialization.TypeSerializer;

/** How records travel along an edge from one operator to the next. */
public sealed interface Partitioning {

    /** Same subtask, chained: a direct method call. */
    record Forward() implements Partitioning {}

    /** By key group of the record's key: the subtask owning the key group gets the record. */
    record KeyBy<T, K>(KeySelector<T, K> keySelector, TypeSerializer<K> keySerializer) implements Partitioning {}

    /** Round robin over the downstream subtasks. */
    record Rebalance() implements Partitioning {}
}
