package dev.weir.runtime.exec.operators;

import java.util.Arrays;

/**
 * The timers of one key group, at most one per (key, timestamp): an open-addressing hash set of the
 * timers and their hashes in two arrays (linear probing, removal by shifting later entries back),
 * so adding a window's timer and removing it when it fires allocate no entry object and a probe
 * compares keys only on a hash match. A window operator adds and removes one per window and key;
 * at most half full, the runs a removal shifts back stay short (at three quarters they showed in
 * q5's profile).
 */
final class TimerSet<K> {

    private static final int INITIAL_CAPACITY = 16;

    private int[] hashes = new int[INITIAL_CAPACITY];
    private Object[] timers = new Object[INITIAL_CAPACITY];
    private int mask = INITIAL_CAPACITY - 1;
    private int size;

    /** Adds the timer; false if an equal one is there. */
    boolean add(KeyedTimerQueue.Timer<K> timer) {
        int h = timer.hashCode();
        int i = h & mask;
        for (Object t; (t = timers[i]) != null; i = (i + 1) & mask) {
            if (hashes[i] == h && timer.equals(t)) {
                return false;
            }
        }
        hashes[i] = h;
        timers[i] = timer;
        if (++size > (mask + 1) / 2) {
            resize();
        }
        return true;
    }

    /** Removes the timer; false if it was not there. */
    boolean remove(KeyedTimerQueue.Timer<K> timer) {
        int h = timer.hashCode();
        for (int i = h & mask; timers[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == h && timer.equals(timers[i])) {
                shiftBack(i);
                size--;
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The timers, in table order. */
    Object[] toArray() {
        Object[] result = new Object[size];
        int n = 0;
        for (Object t : timers) {
            if (t != null) {
                result[n++] = t;
            }
        }
        return result;
    }

    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (timers[i] == null) {
                break;
            }
            int home = hashes[i] & mask;
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                hashes[hole] = hashes[i];
                timers[hole] = timers[i];
                hole = i;
            }
        }
        timers[hole] = null;
    }

    private void resize() {
        int[] oldHashes = hashes;
        Object[] oldTimers = timers;
        int capacity = oldTimers.length * 2;
        hashes = new int[capacity];
        timers = new Object[capacity];
        mask = capacity - 1;
        for (int j = 0; j < oldTimers.length; j++) {
            if (oldTimers[j] != null) {
                int i = oldHashes[j] & mask;
                while (timers[i] != null) {
                    i = (i + 1) & mask;
                }
                hashes[i] = oldHashes[j];
                timers[i] = oldTimers[j];
            }
        }
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
