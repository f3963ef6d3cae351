package dev.weir.runtime.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.weir.runtime.checkpoint.StateHandle;

/**
 * The chain of snapshots an incremental heap checkpoint refers to: one full snapshot of the
 * subtask's keyed state, then snapshots of what changed since the previous one, each an object in
 * the job's {@code shared/} directory that retention keeps while a retained checkpoint refers to it.
 *
 * <p>A new snapshot builds only on the newest checkpoint this subtask knows to be complete: a
 * checkpoint that may still fail is never built on (its files would go with it). Notices of
 * completion may be late or lost: the chain then builds on an older checkpoint, and its changes
 * cover more. The chain is cut (the next snapshot written whole) once it has {@link #maxLength}
 * snapshots or its changes outweigh its full snapshot, so a restore reads a bounded amount; and
 * after an abort, since the checkpoint storage may have refused a file retention had deleted.
 * Task thread (plans, notices) and upload threads ({@link #uploaded}).
 */
final class HeapChangelog {

    /** One snapshot of the chain: its key groups' bytes, and how many bytes it wrote. */
    record Link(long checkpointId, Map<Integer, StateHandle> keyGroups, long bytes) {}

    /** What the next snapshot writes: everything ({@code sinceVersion} -1) or the changes after it. */
    record Plan(List<Link> earlier, int sinceVersion) {
        boolean full() {
            return sinceVersion < 0;
        }
    }

    /** A snapshot taken at {@code version}; its chain once uploaded. */
    private record Pending(int version, List<Link> chain) {}

    static final int DEFAULT_MAX_LENGTH = 10;
    /** Snapshots whose checkpoint's fate is not known yet, kept as possible bases: the newest few. */
    static final int MAX_PENDING = 4;

    private final int maxLength;
    private List<Link> base = List.of();
    private int baseVersion = -1;
    private long baseCheckpointId = -1;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();

    HeapChangelog(int maxLength) {
        this.maxLength = maxLength;
    }

    /** The plan of the snapshot of checkpoint {@code checkpointId}, taken at {@code version} (at the barrier). */
    synchronized Plan plan(long checkpointId, int version) {
        pending.put(checkpointId, new Pending(version, null));
        while (pending.size() > MAX_PENDING) {
            // Its notice was lost (or is very late): never built on, so the tables need not keep its changes.
            pending.pollFirstEntry();
        }
        if (base.isEmpty() || base.size() >= maxLength) {
            return new Plan(List.of(), -1);
        }
        long changes = 0;
        for (int i = 1; i < base.size(); i++) {
            changes += base.get(i).bytes();
        }
        if (changes > base.get(0).bytes()) {
            return new Plan(List.of(), -1);
        }
        return new Plan(base, baseVersion);
    }

    /**
     * The oldest version a later snapshot may build on: the base's, or a pending snapshot's (any
     * may complete and become the base). What changed up to it no snapshot needs to know again.
     */
    synchronized int oldestVersionInUse() {
        int oldest = base.isEmpty() ? Integer.MAX_VALUE : baseVersion;
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            if (e.getKey() > baseCheckpointId) {
                oldest = Math.min(oldest, e.getValue().version());
            }
        }
        return oldest;
    }

    /** The snapshot of {@code checkpointId} was uploaded: its chain is the base once its checkpoint completes. */
    synchronized void uploaded(long checkpointId, List<Link> chain) {
        Pending planned = pending.get(checkpointId);
        if (planned != null && checkpointId > baseCheckpointId) {
            pending.put(checkpointId, new Pending(planned.version(), List.copyOf(chain)));
        }
    }

    /** The snapshot of {@code checkpointId} was dropped unwritten. */
    synchronized void dropped(long checkpointId) {
        pending.remove(checkpointId);
    }

    synchronized void completed(long checkpointId) {
        Pending done = pending.get(checkpointId);
        if (done != null && done.chain() != null && checkpointId > baseCheckpointId) {
            base = done.chain();
            baseVersion = done.version();
            baseCheckpointId = checkpointId;
        }
        pending.headMap(checkpointId, true).clear();
    }

    // For tests.
    synchronized int baseLength() {
        return base.size();
    }

    synchronized void aborted(long checkpointId) {
        pending.remove(checkpointId);
        if (checkpointId > baseCheckpointId) {
            base = List.of();
            baseVersion = -1;
            baseCheckpointId = checkpointId;
        }
    }

    /** Key group → its snapshots' bytes in the chain, oldest first: what a checkpoint's metadata holds. */
    static Map<Integer, List<StateHandle>> byKeyGroup(List<Link> chain) {
        Map<Integer, List<StateHandle>> result = new TreeMap<>();
        for (Link link : chain) {
            for (Map.Entry<Integer, StateHandle> e : link.keyGroups().entrySet()) {
                result.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        return result;
    }
}
