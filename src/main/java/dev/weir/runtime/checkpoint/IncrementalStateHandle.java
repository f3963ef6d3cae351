package dev.weir.runtime.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * An incremental snapshot of one RocksDB instance (one keyed operator subtask): its immutable
 * SST files, shared with other checkpoints, and its small private files (MANIFEST, CURRENT,
 * OPTIONS) in the checkpoint's own state file. Together they are a database that opens as it was
 * at the barrier.
 *
 * @param backendId the database instance that wrote it; SST file names are unique only within one
 * @param keyGroupStart first key group the database holds (keys are prefixed by key group)
 * @param keyGroupEnd last key group, inclusive
 * @param privateFiles file name → where its bytes are
 */
public record IncrementalStateHandle(
        String backendId,
        int keyGroupStart,
        int keyGroupEnd,
        List<SharedFile> sharedFiles,
        Map<String, StateHandle> privateFiles) {

    public IncrementalStateHandle {
        sharedFiles = List.copyOf(sharedFiles);
        privateFiles = Map.copyOf(privateFiles);
    }

    public boolean overlaps(int start, int end) {
        return keyGroupStart <= end && start <= keyGroupEnd;
    }

    /** Bytes of the whole database. */
    public long size() {
        long size = 0;
        for (SharedFile f : sharedFiles) {
            size += f.length();
        }
        for (StateHandle h : privateFiles.values()) {
            size += h.length();
        }
        return size;
    }

    /** Bytes that checkpoint {@code checkpointId} uploaded: the private files and the SST files it created. */
    public long uploadedSize(long checkpointId) {
        long size = 0;
        for (SharedFile f : sharedFiles) {
            if (f.createdIn() == checkpointId) {
                size += f.length();
            }
        }
        for (StateHandle h : privateFiles.values()) {
            size += h.length();
        }
        return size;
    }
}
