package dev.weir.examples.nexmark;

/**
 * The {@link Fnv1a64Jump}s of strings a row builder meets again and again: the same String objects
 * (a generator's fixed lists, q0's four hot URLs in 99 of 100 bids). Direct-mapped by identity, so a
 * lookup is one hash read from the object header and one reference compare (a string's first lookup
 * installs that hash, a call into the JVM: what q0's cold bids pay, 1 in 100). A slot counts hits and
 * misses: a string takes a slot only from one that has stopped coming, and gets its jump after
 * {@link #PROMOTE_AFTER} hits, so strings seen once (q0's cold URLs, built per bid) cost no table.
 */
final class Fnv1a64Jumps {

    private static final int SLOTS = 64;
    static final int PROMOTE_AFTER = 16;
    /** Hits saturate here, so a string that stops coming gives its slot up after as many misses. */
    private static final int MAX_HITS = 1024;

    private final String[] strings = new String[SLOTS];
    private final int[] hits = new int[SLOTS];
    private final Fnv1a64Jump[] jumps = new Fnv1a64Jump[SLOTS];

    /** The jump over {@code text}'s bytes, or null while {@code text} is not (yet) known to repeat. */
    Fnv1a64Jump find(String text) {
        int slot = System.identityHashCode(text) & (SLOTS - 1);
        int count = hits[slot];
        if (strings[slot] == text) {
            if (count < MAX_HITS) {
                hits[slot] = ++count;
                if (count == PROMOTE_AFTER && jumps[slot] == null) {
                    jumps[slot] = Fnv1a64Jump.over(text);
                }
            }
            return jumps[slot];
        }
        if (count > 1) {
            hits[slot] = count - 1;
        } else {
            strings[slot] = text;
            hits[slot] = 1;
            jumps[slot] = null;
        }
        return null;
    }
}
