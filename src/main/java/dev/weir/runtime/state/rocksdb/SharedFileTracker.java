package dev.weir.runtime.state.rocksdb;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.weir.runtime.checkpoint.SharedFile;

/**
 * Which SST files of this database an incremental checkpoint may refer to instead of uploading
 * them again: those of the newest checkpoint this subtask knows to be complete (or restored
 * from), by file name (unique within one database's lineage). A file of a checkpoint that may
 * still fail is never reused: if that checkpoint is aborted, retention deletes its files.
 *
 * <p>Completion notices may be lost or late, so the base can be older than the latest completed
 * checkpoint; the coordinator checks before completing a checkpoint that every shared file it
 * reuses still exists. After an abort the base is dropped, so a checkpoint refused for a file
 * retention had deleted is followed by one that uploads afresh. Task thread and upload threads.
 */
final class SharedFileTracker {

    private Map<String, SharedFile> base = Map.of();
    private long baseCheckpointId = -1;
    /** Uploaded by checkpoints not known to be complete yet. */
    private final TreeMap<Long, Map<String, SharedFile>> pending = new TreeMap<>();

    synchronized Map<String, SharedFile> base() {
        return base;
    }

    /** The files of the snapshot the database was restored from, as they are (no rescale). */
    synchronized void restored(List<SharedFile> files) {
        base = byName(files);
        baseCheckpointId = files.stream().mapToLong(SharedFile::createdIn).max().orElse(-1);
    }

    synchronized void uploaded(long checkpointId, List<SharedFile> files) {
        if (checkpointId > baseCheckpointId) {
            pending.put(checkpointId, byName(files));
        }
    }

    synchronized void completed(long checkpointId) {
        Map<String, SharedFile> files = pending.get(checkpointId);
        if (files != null && checkpointId > baseCheckpointId) {
            base = files;
            baseCheckpointId = checkpointId;
        }
        pending.headMap(checkpointId, true).clear();
    }

    synchronized void aborted(long checkpointId) {
        pending.remove(checkpointId);
        if (checkpointId > baseCheckpointId) {
            base = Map.of();
            baseCheckpointId = checkpointId;
        }
    }

    private static Map<String, SharedFile> byName(List<SharedFile> files) {
        Map<String, SharedFile> map = new HashMap<>();
        for (SharedFile f : files) {
            map.put(f.name(), f);
        }
        return Map.copyOf(map);
    }
}
