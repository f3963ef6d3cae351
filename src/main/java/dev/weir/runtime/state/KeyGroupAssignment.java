package dev.weir.runtime.state;

/**
 * Maps keys to key groups and key groups to subtasks. A key's group depends only on its hash and
 * the max parallelism, so state can be redistributed when the parallelism changes.
 */
public final class KeyGroupAssignment {

    private KeyGroupAssignment() {}

    public static int keyGroupFor(Object key, int maxParallelism) {
        // murmur() is non-negative, so a plain remainder is the modulo (and cheaper than floorMod)
        return murmur(key.hashCode()) % maxParallelism;
    }

    /** {@link #keyGroupFor(Object, int)} of a {@code Long} key, without boxing it. */
    public static int keyGroupForLong(long key, int maxParallelism) {
        return murmur(Long.hashCode(key)) % maxParallelism;
    }

    /** The subtask owning a key group: the inverse of {@link #rangeFor}. */
    public static int subtaskFor(int keyGroup, int maxParallelism, int parallelism) {
        return keyGroup * parallelism / maxParallelism;
    }

    public static KeyGroupRange rangeFor(int subtask, int maxParallelism, int parallelism) {
        if (parallelism > maxParallelism) {
            throw new IllegalArgumentException(
                    "parallelism " + parallelism + " exceeds max parallelism " + maxParallelism);
        }
        int start = (subtask * maxParallelism + parallelism - 1) / parallelism;
        int end = ((subtask + 1) * maxParallelism - 1) / parallelism;
        return new KeyGroupRange(start, end);
    }

    /** The error for a key whose group this subtask does not own: its hashCode differs between processes. */
    public static IllegalStateException outsideRange(Object key, int keyGroup, KeyGroupRange range) {
        return new IllegalStateException("key " + key + " is in key group " + keyGroup
                + ", outside this subtask's range " + range + ": the key's hashCode is not deterministic");
    }

    /** MurmurHash3's 32-bit mix of one int: spreads poor hashCodes (e.g. small longs) over the groups. */
    static int murmur(int code) {
        int h = code * 0xcc9e2d51;
        h = Integer.rotateLeft(h, 15);
        h *= 0x1b873593;
        h = Integer.rotateLeft(h, 13);
        h = h * 5 + 0xe6546b64;
        h ^= 4;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & 0x7fffffff;
    }
}
