package dev.weir.runtime.exec.operators;

import java.util.Arrays;
import java.util.HashSet;

/**
 * The timers of one key group of {@code long} keys, at most one per (key, timestamp): an
 * open-addressing hash set with each timer's key and timestamp side by side in one {@code long[]}
 * (linear probing, removal by shifting later entries back). A probe reads one 16-byte slot, never a
 * timer object or a boxed key; at most half full, so removals shift short runs.
 *
 * <p>A free slot holds the timestamp {@link Long#MIN_VALUE}; the rare timers at that very time are
 * kept aside in a plain set.
 */
final class LongTimerSet {

    private static final long FREE = Long.MIN_VALUE;
    private static final int INITIAL_CAPACITY = 16;

    /** Key at {@code 2 * i}, timestamp at {@code 2 * i + 1}. */
    private long[] slots = freeSlots(INITIAL_CAPACITY);
    private int mask = INITIAL_CAPACITY - 1;
    private int size;
    /** Keys of the timers at {@link Long#MIN_VALUE}, which the table cannot hold; null while none. */
    private HashSet<Long> keysAtMinTime;

    /** Key and time mixed into all 32 bits (a window slide's multiples would otherwise collide). */
    static int hash(long key, long timestamp) {
        long z = 31L * key + timestamp;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z ^ (z >>> 32));
    }

    /** Adds the timer; false if it is there already. */
    boolean add(long key, long timestamp) {
        if (timestamp == FREE) {
            if (keysAtMinTime == null) {
                keysAtMinTime = new HashSet<>();
            }
            return keysAtMinTime.add(key);
        }
        long[] s = slots;
        int i = hash(key, timestamp) & mask;
        for (long t; (t = s[2 * i + 1]) != FREE; i = (i + 1) & mask) {
            if (t == timestamp && s[2 * i] == key) {
                return false;
            }
        }
        s[2 * i] = key;
        s[2 * i + 1] = timestamp;
        if (++size > (mask + 1) / 2) {
            resize();
        }
        return true;
    }

    /** Removes the timer; false if it was not there. */
    boolean remove(long key, long timestamp) {
        if (timestamp == FREE) {
            return keysAtMinTime != null && keysAtMinTime.remove(key);
        }
        long[] s = slots;
        for (int i = hash(key, timestamp) & mask; ; i = (i + 1) & mask) {
            long t = s[2 * i + 1];
            if (t == FREE) {
                return false;
            }
            if (t == timestamp && s[2 * i] == key) {
                shiftBack(i);
                size--;
                return true;
            }
        }
    }

    int size() {
        return size + (keysAtMinTime == null ? 0 : keysAtMinTime.size());
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** The timers as key, timestamp pairs, in table order (those at {@link Long#MIN_VALUE} last). */
    long[] toPairs() {
        long[] pairs = new long[2 * size()];
        int n = 0;
        long[] s = slots;
        for (int i = 0; i <= mask; i++) {
            if (s[2 * i + 1] != FREE) {
                pairs[n++] = s[2 * i];
                pairs[n++] = s[2 * i + 1];
            }
        }
        if (keysAtMinTime != null) {
            for (long key : keysAtMinTime) {
                pairs[n++] = key;
                pairs[n++] = FREE;
            }
        }
        return pairs;
    }

    private void shiftBack(int hole) {
        long[] s = slots;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            long t = s[2 * i + 1];
            if (t == FREE) {
                break;
            }
            long k = s[2 * i];
            int home = hash(k, t) & mask;
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                s[2 * hole] = k;
                s[2 * hole + 1] = t;
                hole = i;
            }
        }
        s[2 * hole + 1] = FREE;
    }

    private void resize() {
        long[] old = slots;
        int capacity = 2 * (mask + 1);
        long[] s = freeSlots(capacity);
        int m = capacity - 1;
        for (int j = 0; j < old.length; j += 2) {
            long t = old[j + 1];
            if (t != FREE) {
                int i = hash(old[j], t) & m;
                while (s[2 * i + 1] != FREE) {
                    i = (i + 1) & m;
                }
                s[2 * i] = old[j];
                s[2 * i + 1] = t;
            }
        }
        slots = s;
        mask = m;
    }

    private static long[] freeSlots(int capacity) {
        long[] s = new long[2 * capacity];
        Arrays.fill(s, FREE);
        return s;
    }
}
