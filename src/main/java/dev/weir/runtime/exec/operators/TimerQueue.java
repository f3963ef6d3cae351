package dev.weir.runtime.exec.operators;

import dev.weir.runtime.state.KeyGroupedStatePart;
import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.serialization.Types;

/**
 * The timers of one time domain of a keyed operator: at most one per (key, timestamp), kept per key
 * group (snapshotted and rescaled with their keys), fired in timestamp order with their key set on
 * the backend. Both kinds write the same snapshot format (per key group: a count, then each timer's
 * key and timestamp), so a checkpoint written by one restores into the other.
 */
sealed interface TimerQueue<K> extends KeyGroupedStatePart permits KeyedTimerQueue, LongKeyTimerQueue {

    interface Triggerable<K> {
        void onTimer(K key, long timestamp) throws Exception;
    }

    /**
     * Timers of {@code long} keys inline in primitive arrays ({@link LongKeyTimerQueue}), any other
     * key in timer objects ({@link KeyedTimerQueue}).
     */
    @SuppressWarnings("unchecked")
    static <K> TimerQueue<K> create(String name, KeyedStateBackend<K> backend) {
        if (backend.keySerializer() == Types.LONG) {
            return (TimerQueue<K>) new LongKeyTimerQueue(name, (KeyedStateBackend<Long>) backend);
        }
        return new KeyedTimerQueue<>(name, backend);
    }

    /** Adds a timer for the backend's current key; false if it was already there. */
    boolean register(long timestamp);

    /** Deletes the current key's timer at {@code timestamp}, if there is one. */
    void delete(long timestamp);

    /** The earliest timestamp in the queue (possibly of a deleted timer), or Long.MAX_VALUE. */
    long nextTimestamp();

    /**
     * Fires the timers at or before {@code time} in timestamp order (within a timestamp, in the order
     * they were added), each with its key set on the backend; timers they register at or before
     * {@code time} fire in the same call.
     */
    void fireUpTo(long time, Triggerable<K> target) throws Exception;

    /**
     * End of input: fires every live timer in timestamp order, as if the clock had reached it, and
     * drops the timers registered meanwhile (a function that re-arms itself would never let the job end).
     */
    void fireAllAndDrop(Triggerable<K> target) throws Exception;
}
