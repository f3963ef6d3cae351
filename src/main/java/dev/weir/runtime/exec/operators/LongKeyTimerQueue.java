package dev.weir.runtime.exec.operators;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;

import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyedStateBackend;

/**
 * {@link KeyedTimerQueue} for {@code long} keys, with no object per timer: each key group's timers
 * in a {@link LongTimerSet} (key and time side by side in a {@code long[]}), and one bucket per
 * distinct timestamp holding the keys of its timers in a growable {@code long[]}, in the order they
 * were added, the timestamps in a min-heap. A window operator's timers end at few distinct times,
 * so firing walks a bucket's keys in memory order and probes each key group's set once (deleted
 * timers leave their bucket lazily: the probe finds them gone). The snapshot format is
 * {@link KeyedTimerQueue}'s with {@code Types.LONG} keys.
 */
final class LongKeyTimerQueue implements TimerQueue<Long> {

    /** The keys of the timers at one timestamp, in the order they were added. */
    private static final class Bucket {
        long[] keys = new long[8];
        int size;

        void add(long key) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, 2 * size);
            }
            keys[size++] = key;
        }
    }

    private final String name;
    private final KeyedStateBackend<Long> backend;
    private final int maxParallelism;
    private final int firstKeyGroup;
    private final LongTimerSet[] timersByKeyGroup;
    private final HashMap<Long, Bucket> buckets = new HashMap<>();
    private final LongMinHeap times = new LongMinHeap();
    /** The bucket timers were last added to, and its time: a window operator adds in runs at one time. */
    private Bucket lastBucket;
    private long lastBucketTime;
    /** A fired bucket, kept for the next new timestamp (a window operator's buckets come and go in turn). */
    private Bucket spare;

    LongKeyTimerQueue(String name, KeyedStateBackend<Long> backend) {
        this.name = name;
        this.backend = backend;
        this.maxParallelism = backend.maxParallelism();
        this.firstKeyGroup = backend.keyGroupRange().start();
        this.timersByKeyGroup = new LongTimerSet[backend.keyGroupRange().size()];
        for (int i = 0; i < timersByKeyGroup.length; i++) {
            timersByKeyGroup[i] = new LongTimerSet();
        }
    }

    @Override
    public boolean register(long timestamp) {
        long key = backend.currentKey();
        if (timersByKeyGroup[keyGroupIndex(key)].add(key, timestamp)) {
            enqueue(key, timestamp);
            return true;
        }
        return false;
    }

    private void enqueue(long key, long timestamp) {
        Bucket bucket = lastBucket;
        if (bucket == null || lastBucketTime != timestamp) {
            bucket = buckets.get(timestamp);
            if (bucket == null) {
                bucket = spare != null ? spare : new Bucket();
                spare = null;
                buckets.put(timestamp, bucket);
                times.add(timestamp);
            }
            lastBucket = bucket;
            lastBucketTime = timestamp;
        }
        bucket.add(key);
    }

    /** Takes the earliest bucket out of the queue (it may be the one timers were last added to). */
    private Bucket pollBucket() {
        lastBucket = null;
        return buckets.remove(times.poll());
    }

    private void recycle(Bucket bucket) {
        bucket.size = 0;
        spare = bucket;
    }

    @Override
    public void delete(long timestamp) {
        long key = backend.currentKey();
        timersByKeyGroup[keyGroupIndex(key)].remove(key, timestamp);
    }

    @Override
    public long nextTimestamp() {
        return times.isEmpty() ? Long.MAX_VALUE : times.peek();
    }

    @Override
    public void fireUpTo(long time, Triggerable<Long> target) throws Exception {
        while (!times.isEmpty() && times.peek() <= time) {
            long timestamp = times.peek();
            // Timers registered while this bucket fires, for this same time, go to a new bucket
            // (this one is gone from the map), which the loop fires next.
            Bucket bucket = pollBucket();
            long[] keys = bucket.keys;
            for (int i = 0, n = bucket.size; i < n; i++) {
                long key = keys[i];
                int index = keyGroupIndex(key);
                if (timersByKeyGroup[index].remove(key, timestamp)) {
                    Long boxed = key;
                    backend.setCurrentKey(boxed, index);
                    target.onTimer(boxed, timestamp);
                }
            }
            recycle(bucket);
        }
    }

    @Override
    public void fireAllAndDrop(Triggerable<Long> target) throws Exception {
        // Live timers first taken out in timestamp order, then fired: those registered meanwhile
        // stay behind and are dropped below.
        long[] due = new long[16];
        int n = 0;
        while (!times.isEmpty()) {
            long timestamp = times.peek();
            Bucket bucket = pollBucket();
            for (int i = 0; i < bucket.size; i++) {
                long key = bucket.keys[i];
                if (timersByKeyGroup[keyGroupIndex(key)].remove(key, timestamp)) {
                    if (n + 2 > due.length) {
                        due = Arrays.copyOf(due, 2 * due.length);
                    }
                    due[n++] = key;
                    due[n++] = timestamp;
                }
            }
        }
        for (int i = 0; i < n; i += 2) {
            Long key = due[i];
            backend.setCurrentKey(key, keyGroupIndex(due[i]));
            target.onTimer(key, due[i + 1]);
        }
        while (!times.isEmpty()) {
            long timestamp = times.peek();
            Bucket bucket = pollBucket();
            for (int i = 0; i < bucket.size; i++) {
                long key = bucket.keys[i];
                timersByKeyGroup[keyGroupIndex(key)].remove(key, timestamp);
            }
        }
    }

    private int keyGroupIndex(long key) {
        return KeyGroupAssignment.keyGroupForLong(key, maxParallelism) - firstKeyGroup;
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
        writePairs(timersByKeyGroup[keyGroupIndex].toPairs(), out);
    }

    /** {@link KeyedTimerQueue}'s format: the count, then each timer's key (Types.LONG: 8 bytes) and timestamp. */
    private static void writePairs(long[] pairs, DataOutput out) throws IOException {
        out.writeInt(pairs.length / 2);
        for (long p : pairs) {
            out.writeLong(p);
        }
    }

    /** Each key group's timers copied into an array at the barrier; serialized on the upload thread. */
    @Override
    public CapturedPart capture(int keyGroups) {
        long[][] pairs = new long[keyGroups][];
        for (int i = 0; i < keyGroups; i++) {
            if (!timersByKeyGroup[i].isEmpty()) {
                pairs[i] = timersByKeyGroup[i].toPairs();
            }
        }
        return new CapturedTimers(name, pairs);
    }

    private record CapturedTimers(String name, long[][] pairs) implements CapturedPart {
        @Override
        public boolean isEmpty(int keyGroupIndex) {
            return pairs[keyGroupIndex] == null;
        }

        @Override
        public void write(int keyGroupIndex, DataOutput out) throws IOException {
            writePairs(pairs[keyGroupIndex], out);
        }
    }

    @Override
    public void read(int keyGroupIndex, DataInput in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long key = in.readLong();
            long timestamp = in.readLong();
            if (timersByKeyGroup[keyGroupIndex].add(key, timestamp)) {
                enqueue(key, timestamp);
            }
        }
    }
}
