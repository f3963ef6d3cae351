package dev.weir.runtime.exec.operators;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The timers of one time domain of a keyed operator: at most one per (key, timestamp), kept per
 * key group (so they are snapshotted and rescaled with their keys) and in buckets by time, one per
 * distinct timestamp, the timestamps in a min-heap of longs. Windows end at few distinct times
 * (every key's window [0, 10 s) fires at 9,999): firing a bucket is a list walk, not a heap
 * removal per timer. Deleted timers leave their bucket lazily: firing checks the key group's set.
 */
final class KeyedTimerQueue<K> implements TimerQueue<K> {

    record Timer<K>(K key, long timestamp) {
        /**
         * Key and time mixed into all 32 bits: the record's default hash (31 * key + time) leaves the
         * timers of one key, times a window slide apart, in hash buckets a multiple of it apart.
         */
        @Override
        public int hashCode() {
            long z = 31L * key.hashCode() + timestamp;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return (int) (z ^ (z >>> 32));
        }
    }

    private final String name;
    private final KeyedStateBackend<K> backend;
    private final TypeSerializer<K> keySerializer;
    private final TimerSet<K>[] timersByKeyGroup;
    private final HashMap<Long, ArrayList<Timer<K>>> buckets = new HashMap<>();
    private final LongMinHeap times = new LongMinHeap();
    /**
     * The bucket timers were last added to, and its time: the timers of a window operator mostly come
     * in runs at one time (every key's window ends at 9,999), so a run costs one map lookup.
     */
    private ArrayList<Timer<K>> lastBucket;
    private long lastBucketTime;

    @SuppressWarnings("unchecked")
    KeyedTimerQueue(String name, KeyedStateBackend<K> backend) {
        this.name = name;
        this.backend = backend;
        this.keySerializer = backend.keySerializer();
        this.timersByKeyGroup = new TimerSet[backend.keyGroupRange().size()];
        for (int i = 0; i < timersByKeyGroup.length; i++) {
            timersByKeyGroup[i] = new TimerSet<>();
        }
    }

    @Override
    public boolean register(long timestamp) {
        Timer<K> timer = new Timer<>(backend.currentKey(), timestamp);
        if (timersByKeyGroup[keyGroupIndex(timer.key())].add(timer)) {
            enqueue(timer);
            return true;
        }
        return false;
    }

    private void enqueue(Timer<K> timer) {
        ArrayList<Timer<K>> bucket = lastBucket;
        if (bucket == null || lastBucketTime != timer.timestamp()) {
            bucket = buckets.get(timer.timestamp());
            if (bucket == null) {
                bucket = new ArrayList<>(4);
                buckets.put(timer.timestamp(), bucket);
                times.add(timer.timestamp());
            }
            lastBucket = bucket;
            lastBucketTime = timer.timestamp();
        }
        bucket.add(timer);
    }

    /** Takes the earliest bucket out of the queue (it may be the one timers were last added to). */
    private ArrayList<Timer<K>> pollBucket() {
        lastBucket = null;
        return buckets.remove(times.poll());
    }

    @Override
    public void delete(long timestamp) {
        Timer<K> timer = new Timer<>(backend.currentKey(), timestamp);
        timersByKeyGroup[keyGroupIndex(timer.key())].remove(timer);
    }

    @Override
    public long nextTimestamp() {
        return times.isEmpty() ? Long.MAX_VALUE : times.peek();
    }

    @Override
    public void fireUpTo(long time, Triggerable<K> target) throws Exception {
        while (!times.isEmpty() && times.peek() <= time) {
            // Timers registered while this bucket fires, for this same time, go to a new bucket
            // (this one is gone from the map), which the loop fires next.
            ArrayList<Timer<K>> bucket = pollBucket();
            for (int i = 0, n = bucket.size(); i < n; i++) {
                Timer<K> timer = bucket.get(i);
                int index = keyGroupIndex(timer.key());
                if (timersByKeyGroup[index].remove(timer)) {
                    backend.setCurrentKey(timer.key(), index);
                    target.onTimer(timer.key(), timer.timestamp());
                }
            }
        }
    }

    @Override
    public void fireAllAndDrop(Triggerable<K> target) throws Exception {
        for (Timer<K> timer : drain()) {
            backend.setCurrentKey(timer.key(), keyGroupIndex(timer.key()));
            target.onTimer(timer.key(), timer.timestamp());
        }
        drain();
    }

    /** Removes and returns every live timer, in timestamp order. */
    private List<Timer<K>> drain() {
        List<Timer<K>> timers = new ArrayList<>();
        while (!times.isEmpty()) {
            for (Timer<K> timer : pollBucket()) {
                if (timersByKeyGroup[keyGroupIndex(timer.key())].remove(timer)) {
                    timers.add(timer);
                }
            }
        }
        return timers;
    }

    int keyGroupIndex(K key) {
        return KeyGroupAssignment.keyGroupFor(key, backend.maxParallelism()) - backend.keyGroupRange().start();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isEmpty(int keyGroupIndex) {
        return timersByKeyGroup[keyGroupIndex].isEmpty();
    }

    @Override
    public void write(int keyGroupIndex, DataOutput out) throws IOException {
        Object[] timers = timersByKeyGroup[keyGroupIndex].toArray();
        out.writeInt(timers.length);
        for (Object t : timers) {
            @SuppressWarnings("unchecked")
            Timer<K> timer = (Timer<K>) t;
            keySerializer.serialize(timer.key(), out);
            out.writeLong(timer.timestamp());
        }
    }

    /**
     * The timers as they are now, for the upload thread to serialize: each key group's timers copied
     * into an array (timers are immutable), not serialized at the barrier, as the default capture would.
     */
    @Override
    public CapturedPart capture(int keyGroups) {
        Object[][] timers = new Object[keyGroups][];
        for (int i = 0; i < keyGroups; i++) {
            if (!timersByKeyGroup[i].isEmpty()) {
                timers[i] = timersByKeyGroup[i].toArray();
            }
        }
        return new CapturedTimers<>(name, timers, keySerializer);
    }

    /** A capture of the timers: written in {@link #write}'s format. */
    private record CapturedTimers<K>(String name, Object[][] timers, TypeSerializer<K> keySerializer)
            implements CapturedPart {
        @Override
        public boolean isEmpty(int keyGroupIndex) {
            return timers[keyGroupIndex] == null;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void write(int keyGroupIndex, DataOutput out) throws IOException {
            Object[] group = timers[keyGroupIndex];
            out.writeInt(group.length);
            for (Object t : group) {
                Timer<K> timer = (Timer<K>) t;
                keySerializer.serialize(timer.key(), out);
                out.writeLong(timer.timestamp());
            }
        }
    }

    @Override
    public void read(int keyGroupIndex, DataInput in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Timer<K> timer = new Timer<>(keySerializer.deserialize(in), in.readLong());
            if (timersByKeyGroup[keyGroupIndex].add(timer)) {
                enqueue(timer);
            }
        }
    }
}
