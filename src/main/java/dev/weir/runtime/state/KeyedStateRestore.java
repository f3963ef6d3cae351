package dev.weir.runtime.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;

/**
 * The keyed state one operator subtask restores: the canonical key groups it now owns (already
 * read), the chains of incremental heap snapshots of those key groups (read, oldest first), and the incremental snapshots of the databases whose key groups overlap its range
 * (several after a rescale), with a way to fetch their files.
 *
 * @param reuseSharedFiles whether later checkpoints may refer to the restored shared files instead
 *     of uploading them again: only when they are this job's own, which its retention keeps while
 *     referred to (another job's retention knows nothing of this job)
 */
public record KeyedStateRestore(Map<Integer, byte[]> keyGroups, List<IncrementalStateHandle> incremental,
                                StateFiles files, boolean reuseSharedFiles, Map<Integer, List<byte[]>> changelog) {

    public static final KeyedStateRestore NONE = new KeyedStateRestore(Map.of(), List.of(), null, false);

    public KeyedStateRestore {
        keyGroups = Map.copyOf(keyGroups);
        incremental = List.copyOf(incremental);
        changelog = Map.copyOf(changelog);
    }

    public KeyedStateRestore(Map<Integer, byte[]> keyGroups, List<IncrementalStateHandle> incremental,
                             StateFiles files, boolean reuseSharedFiles) {
        this(keyGroups, incremental, files, reuseSharedFiles, Map.of());
    }

    public static KeyedStateRestore ofKeyGroups(Map<Integer, byte[]> keyGroups) {
        return new KeyedStateRestore(keyGroups, List.of(), null, false);
    }

    public boolean isEmpty() {
        return keyGroups.isEmpty() && incremental.isEmpty() && changelog.isEmpty();
    }

    /** Downloads snapshot files from checkpoint storage to local disk. */
    public interface StateFiles {
        void download(SharedFile file, Path target) throws IOException;

        void download(StateHandle handle, Path target) throws IOException;
    }
}
