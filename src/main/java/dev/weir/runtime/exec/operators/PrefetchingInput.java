package dev.weir.runtime.exec.operators;

import dev.weir.runtime.network.RecordBatch;

/**
 * A chain head that can be shown records before it processes them: it starts loading the state of
 * their keys into the CPU cache ({@link dev.weir.runtime.state.KeyedStateBackend#prefetch}), so that
 * the task can overlap the cache misses of a group of records instead of waiting for each record's
 * own. Showing a record changes nothing; the task still hands every record to {@code collect}.
 */
public interface PrefetchingInput {

    /** Whether {@link #prefetch} does anything: the task skips it otherwise. */
    boolean prefetches();

    /** Shows the records {@code batch[from..to)}. */
    void prefetch(RecordBatch batch, int from, int to);
}
