package dev.weir.runtime.exec.operators;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;

import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyedStateBackend;

/**
 * {@link KeyedTimerQueue} for {@code long} keys, with no object per timer: the timers of each
 * distinct timestamp in a {@link LongTimerBucket} (keys in the order added, with an index of their
 * own), the timestamps in a min-heap. A window operator's timers end at few distinct times, and
 * those of one window are registered together: registering, deleting and firing touch one
 * timestamp's arrays, which stay in the cache, where a set of (key, timestamp) per key group, over
 * all timestamps, missed it on every new window (q7, timed in the workers: a registration took
 * about 255 ns that way and 90 ns this way). Key groups are computed only for snapshots. The snapshot format is {@link KeyedTimerQueue}'s with
 * {@code Types.LONG} keys.
 */
final class LongKeyTimerQueue implements TimerQueue<Long> {

    private final String name;
    private final KeyedStateBackend<Long> backend;
    private final int maxParallelism;
    private final int firstKeyGroup;
    private final int keyGroups;
    private final HashMap<Long, LongTimerBucket> buckets = new HashMap<>();
    private final LongMinHeap times = new LongMinHeap();
    /** The bucket timers were last added to, and its time: a window operator adds in runs at one time. */
    private LongTimerBucket lastBucket;
    private long lastBucketTime;
    /** A fired bucket, kept for the next new timestamp (a window operator's buckets come and go in turn). */
    private LongTimerBucket spare;
    /**
     * The bucket being fired, out of the map, and its time: its keys not fired yet are still its
     * timers (registering one again adds nothing, deleting one keeps it from firing).
     */
    private LongTimerBucket firing;
    private long firingTime;
    /** The live timers as a snapshot takes them; null when anything changed since. */
    private CapturedTimers captured;

    LongKeyTimerQueue(String name, KeyedStateBackend<Long> backend) {
        this.name = name;
        this.backend = backend;
        this.maxParallelism = backend.maxParallelism();
        this.firstKeyGroup = backend.keyGroupRange().start();
        this.keyGroups = backend.keyGroupRange().size();
    }

    @Override
    public boolean register(long timestamp) {
        return add(backend.currentKey(), timestamp);
    }

    private boolean add(long key, long timestamp) {
        if (firing != null && timestamp == firingTime && firing.contains(key)) {
            return false;
        }
        LongTimerBucket bucket = lastBucket;
        if (bucket == null || lastBucketTime != timestamp) {
            bucket = buckets.get(timestamp);
            if (bucket == null) {
                bucket = spare != null ? spare : new LongTimerBucket();
                spare = null;
                buckets.put(timestamp, bucket);
                times.add(timestamp);
            }
            lastBucket = bucket;
            lastBucketTime = timestamp;
        }
        if (bucket.add(key)) {
            captured = null;
            return true;
        }
        return false;
    }

    @Override
    public void delete(long timestamp) {
        long key = backend.currentKey();
        if (firing != null && timestamp == firingTime && firing.remove(key)) {
            captured = null;
            return;
        }
        LongTimerBucket bucket = buckets.get(timestamp);
        if (bucket != null && bucket.remove(key)) {
            captured = null;
        }
    }

    @Override
    public long nextTimestamp() {
        return times.isEmpty() ? Long.MAX_VALUE : times.peek();
    }

    /** Takes the earliest bucket out of the queue (it may be the one timers were last added to). */
    private LongTimerBucket pollBucket() {
        lastBucket = null;
        captured = null;
        return buckets.remove(times.poll());
    }

    private void recycle(LongTimerBucket bucket) {
        bucket.clear();
        spare = bucket;
    }

    @Override
    public void fireUpTo(long time, Triggerable<Long> target) throws Exception {
        while (!times.isEmpty() && times.peek() <= time) {
            long timestamp = times.peek();
            // Timers registered while this bucket fires, for this same time, go to a new bucket
            // (this one is gone from the map), which the loop fires next.
            LongTimerBucket bucket = pollBucket();
            firing = bucket;
            firingTime = timestamp;
            try {
                for (int i = 0; i < bucket.size(); i++) {
                    if (bucket.removeAt(i)) {
                        long key = bucket.keyAt(i);
                        Long boxed = key;
                        backend.setCurrentKey(boxed, keyGroupIndex(key));
                        target.onTimer(boxed, timestamp);
                    }
                }
            } finally {
                firing = null;
            }
            recycle(bucket);
        }
    }

    @Override
    public void fireAllAndDrop(Triggerable<Long> target) throws Exception {
        // Live timers first taken out in timestamp order, then fired: those registered meanwhile
        // stay behind and are dropped below.
        long[] due = drain();
        for (int i = 0; i < due.length; i += 2) {
            Long key = due[i];
            backend.setCurrentKey(key, keyGroupIndex(due[i]));
            target.onTimer(key, due[i + 1]);
        }
        drain();
    }

    /** Removes every live timer; returns them as key, timestamp pairs in timestamp order. */
    private long[] drain() {
        long[] due = new long[16];
        int n = 0;
        while (!times.isEmpty()) {
            long timestamp = times.peek();
            LongTimerBucket bucket = pollBucket();
            for (int i = 0; i < bucket.size(); i++) {
                if (bucket.removeAt(i)) {
                    if (n + 2 > due.length) {
                        due = Arrays.copyOf(due, 2 * due.length);
                    }
                    due[n++] = bucket.keyAt(i);
                    due[n++] = timestamp;
                }
            }
        }
        return Arrays.copyOf(due, n);
    }

    private int keyGroupIndex(long key) {
        return KeyGroupAssignment.keyGroupForLong(key, maxParallelism) - firstKeyGroup;
    }

    /**
     * The live timers, copied: each timestamp's keys in the order added, the timestamps in order.
     * Only copies: key groups are computed from the copy, on the upload thread for a checkpoint.
     */
    private CapturedTimers captured() {
        if (captured == null) {
            long[] sortedTimes = new long[buckets.size()];
            int t = 0;
            for (long timestamp : buckets.keySet()) {
                sortedTimes[t++] = timestamp;
            }
            Arrays.sort(sortedTimes);
            long[][] keys = new long[sortedTimes.length][];
            for (int i = 0; i < sortedTimes.length; i++) {
                keys[i] = buckets.get(sortedTimes[i]).liveKeys();
            }
            captured = new CapturedTimers(name, sortedTimes, keys, maxParallelism, firstKeyGroup, keyGroups);
        }
        return captured;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isEmpty(int keyGroupIndex) {
        return captured().isEmpty(keyGroupIndex);
    }

    @Override
    public void write(int keyGroupIndex, DataOutput out) throws IOException {
        captured().write(keyGroupIndex, out);
    }

    /** The timers as of the barrier, copied on the task thread; never changed after. */
    @Override
    public CapturedPart capture(int keyGroups) {
        return captured();
    }

    /**
     * Live timers as of a moment: per timestamp (ascending) its keys in the order added. Written per
     * key group in {@link KeyedTimerQueue}'s format (a count, then each timer's key, 8 bytes, and
     * timestamp), each group in timestamp order and, within one, in the order added: restored, the
     * timers fire in that order. The groups are computed once, by whichever thread writes first.
     */
    private static final class CapturedTimers implements CapturedPart {
        private final String name;
        private final long[] times;
        private final long[][] keys;
        private final int maxParallelism;
        private final int firstKeyGroup;
        private final int keyGroups;
        /** Key, timestamp pairs per key group index, null where none; null until first needed. */
        private long[][] pairs;

        CapturedTimers(String name, long[] times, long[][] keys, int maxParallelism, int firstKeyGroup, int keyGroups) {
            this.name = name;
            this.times = times;
            this.keys = keys;
            this.maxParallelism = maxParallelism;
            this.firstKeyGroup = firstKeyGroup;
            this.keyGroups = keyGroups;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isEmpty(int keyGroupIndex) {
            return pairs()[keyGroupIndex] == null;
        }

        @Override
        public void write(int keyGroupIndex, DataOutput out) throws IOException {
            long[] group = pairs()[keyGroupIndex];
            if (group == null) {
                out.writeInt(0);
                return;
            }
            out.writeInt(group.length / 2);
            for (long p : group) {
                out.writeLong(p);
            }
        }

        private synchronized long[][] pairs() {
            if (pairs != null) {
                return pairs;
            }
            long[][] groups = new long[keyGroups][];
            int[] sizes = new int[keyGroups];
            for (int t = 0; t < times.length; t++) {
                for (long key : keys[t]) {
                    int g = KeyGroupAssignment.keyGroupForLong(key, maxParallelism) - firstKeyGroup;
                    long[] group = groups[g];
                    if (group == null) {
                        group = groups[g] = new long[8];
                    } else if (sizes[g] + 2 > group.length) {
                        group = groups[g] = Arrays.copyOf(group, 2 * group.length);
                    }
                    group[sizes[g]++] = key;
                    group[sizes[g]++] = times[t];
                }
            }
            for (int g = 0; g < keyGroups; g++) {
                if (groups[g] != null) {
                    groups[g] = Arrays.copyOf(groups[g], sizes[g]);
                }
            }
            pairs = groups;
            return groups;
        }
    }

    @Override
    public void read(int keyGroupIndex, DataInput in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            add(in.readLong(), in.readLong());
        }
    }
}
