package dev.weir.runtime.state;

import java.io.IOException;
import java.util.function.LongSupplier;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The working keyed state of one keyed operator subtask (Flink's {@code KeyedStateBackend}): on
 * the heap ({@link HeapKeyedStateBackend}) or in an embedded RocksDB. Where its snapshots go is
 * not its business: it captures at the barrier ({@link #snapshot}, on the task thread, short) and
 * the task writes the capture to checkpoint storage on an upload thread.
 *
 * <p>The current key is set once per record; the states from {@link #getState} then read and write
 * that key's entry. Every method runs on the task thread.
 */
public interface KeyedStateBackend<K> extends AutoCloseable {

    void setCurrentKey(K key);

    /** Sets the current key from a key group index directly (timers, restore). */
    void setCurrentKey(K key, int keyGroupIndex);

    K currentKey();

    /**
     * A hint that records of {@code keys[0..count)} follow soon: a backend may start loading those
     * keys' entries into the CPU cache now, all at once, so that their cache misses overlap instead
     * of each record waiting for its own (with millions of keys nearly every lookup misses). It
     * changes neither the state nor the current key, and skips null keys and keys outside this
     * subtask's key groups ({@link #setCurrentKey} reports those).
     */
    default void prefetch(K[] keys, int count) {}

    /**
     * Whether {@link #prefetch} is worth calling now, so that callers can spare themselves the key:
     * it may change as the state grows (small state stays in the cache without it).
     */
    default boolean prefetches() {
        return false;
    }

    TypeSerializer<K> keySerializer();

    KeyGroupRange keyGroupRange();

    int maxParallelism();

    /** The state a descriptor names; the same object for the same name. */
    <S> S getState(StateDescriptor<S> descriptor);

    /**
     * The processing-time clock that states with a time to live ({@link StateTtlConfig}) expire by
     * (the wall clock unless set); set it before the first {@link #getState}.
     */
    void setTtlTimeProvider(LongSupplier now);

    /**
     * Adds a part kept on the heap whatever the backend (the timers of a keyed operator) and feeds
     * it any restored bytes under its name. Its key groups go into every snapshot.
     */
    void registerPart(KeyGroupedStatePart part);

    /** Restores from a checkpoint or savepoint: call once, before the states are registered. */
    void restore(KeyedStateRestore restore) throws IOException;

    /**
     * The synchronous part of a snapshot, at the barrier: captures the state as it is now. The
     * returned snapshot is written later on an upload thread while the task goes on.
     */
    KeyedStateSnapshot snapshot(long checkpointId, CheckpointType type) throws IOException;

    /** Checkpoint {@code checkpointId} (and every earlier one) is complete; best effort, may be lost. */
    default void notifyCheckpointComplete(long checkpointId) {}

    default void notifyCheckpointAborted(long checkpointId) {}

    /** Number of entries in a registered state, where the backend can tell cheaply (tests, metrics); else -1. */
    long size(String stateName);

    @Override
    void close();
}
