package dev.weir.runtime.state;

import java.util.Arrays;

/**
 * The keys a {@link KeyTable} removed, each with the version it was removed in, for incremental
 * snapshots: a removal leaves no entry to carry a stamp, so the next incremental snapshot learns of
 * it here and writes a tombstone. Versions only grow, so the log is ordered by version.
 * Task thread only.
 */
final class RemovedKeys {

    private static final Object[] NONE = new Object[0];

    private Object[] keys = NONE;
    private int[] versions = new int[0];
    private int size;

    void add(Object key, int version) {
        if (size == keys.length) {
            int capacity = Math.max(16, size * 2);
            keys = Arrays.copyOf(keys, capacity);
            versions = Arrays.copyOf(versions, capacity);
        }
        keys[size] = key;
        versions[size] = version;
        size++;
    }

    /** The keys removed after {@code version}, oldest first. */
    Object[] since(int version) {
        int first = firstAfter(version);
        return first == size ? NONE : Arrays.copyOfRange(keys, first, size);
    }

    /** Forgets the keys removed up to {@code version}: no incremental snapshot will build on an older one. */
    void forget(int version) {
        int first = firstAfter(version);
        if (first == 0) {
            return;
        }
        System.arraycopy(keys, first, keys, 0, size - first);
        System.arraycopy(versions, first, versions, 0, size - first);
        Arrays.fill(keys, size - first, size, null);
        size -= first;
    }

    private int firstAfter(int version) {
        int first = 0;
        while (first < size && versions[first] <= version) {
            first++;
        }
        return first;
    }

    int size() {
        return size;
    }
}
