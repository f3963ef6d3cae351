package dev.weir.runtime.exec.operators;

import java.util.Arrays;

/**
 * The timers of {@code long} keys at one timestamp: the keys in the order they were added, and an
 * open-addressing index from key to position (linear probing), so that adding, deleting and firing
 * touch this timestamp's arrays only. A window operator's timers at one time are the keys that
 * opened that window: a few thousand, registered one after another, so the arrays of the window
 * being filled stay in the cache; one set over all timestamps spread them over megabytes.
 *
 * <p>A deleted key keeps its position, marked dead, and its index entry: added again, it takes
 * its old place back. So a timer deleted and registered again fires where it was first added, as
 * in {@link KeyedTimerQueue}, whose buckets leave deleted timers in place; and a bucket holds each
 * key once however often it is deleted and registered again, until its timestamp fires.
 */
final class LongTimerBucket {

    private static final int INITIAL_CAPACITY = 8;

    private long[] keys = new long[INITIAL_CAPACITY];
    private boolean[] dead = new boolean[INITIAL_CAPACITY];
    /** Position + 1 of each key added, 0 where free; at most half full. */
    private int[] index = new int[2 * INITIAL_CAPACITY];
    /** Positions used, dead ones included. */
    private int size;
    private int live;

    /** Adds {@code key}; false if it is here already. */
    boolean add(long key) {
        int slot = find(key);
        int position = index[slot] - 1;
        if (position >= 0) {
            if (!dead[position]) {
                return false;
            }
            dead[position] = false;
            live++;
            return true;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, 2 * size);
            dead = Arrays.copyOf(dead, 2 * size);
        }
        if (2 * (size + 1) > index.length) {
            rebuildIndex(2 * index.length);
            slot = find(key);
        }
        keys[size] = key;
        dead[size] = false;
        index[slot] = ++size;
        live++;
        return true;
    }

    /** True if {@code key} is here (added and not deleted since). */
    boolean contains(long key) {
        int position = index[find(key)] - 1;
        return position >= 0 && !dead[position];
    }

    /** Deletes {@code key}; false if it was not here. */
    boolean remove(long key) {
        int position = index[find(key)] - 1;
        if (position < 0 || dead[position]) {
            return false;
        }
        dead[position] = true;
        live--;
        return true;
    }

    /** Positions used so far, for visiting them in the order added with {@link #keyAt} and {@link #removeAt}. */
    int size() {
        return size;
    }

    int live() {
        return live;
    }

    boolean isLive(int position) {
        return !dead[position];
    }

    long keyAt(int position) {
        return keys[position];
    }

    /** Deletes the key at {@code position}; false if it was dead already. */
    boolean removeAt(int position) {
        if (dead[position]) {
            return false;
        }
        dead[position] = true;
        live--;
        return true;
    }

    /** The live keys, in the order added. */
    long[] liveKeys() {
        long[] result = new long[live];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (!dead[i]) {
                result[n++] = keys[i];
            }
        }
        return result;
    }

    /** Empties the bucket for reuse at another timestamp, keeping its arrays. */
    void clear() {
        Arrays.fill(index, 0);
        size = 0;
        live = 0;
    }

    /** The index slot holding {@code key}, or the free slot where it would go. */
    private int find(long key) {
        int mask = index.length - 1;
        int slot = hash(key) & mask;
        for (int position; (position = index[slot]) != 0; slot = (slot + 1) & mask) {
            if (keys[position - 1] == key) {
                return slot;
            }
        }
        return slot;
    }

    private void rebuildIndex(int length) {
        index = new int[length];
        int mask = length - 1;
        for (int i = 0; i < size; i++) {
            int slot = hash(keys[i]) & mask;
            while (index[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            index[slot] = i + 1;
        }
    }

    private static int hash(long key) {
        long z = key;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z ^ (z >>> 32));
    }
}
