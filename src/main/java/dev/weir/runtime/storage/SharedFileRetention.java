package dev.weir.runtime.storage;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.SharedKeys;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.checkpoint.SharedStateMissingException;

/**
 * The files in {@code shared/} that incremental checkpoints refer to (RocksDB's SST files, the heap
 * backend's chains of snapshots), counted by reference: a
 * file is deleted only when no retained checkpoint's _metadata refers to it, and only if the
 * checkpoint that uploaded it is not newer than the newest completed one (a newer one may still
 * complete). Savepoints never refer to shared files: they are self-contained.
 *
 * <p>A subtask reuses the files of the last checkpoint it knows to be complete; since that news
 * can be late or lost, a checkpoint may refer to a file that retention has deleted meanwhile.
 * {@link #checkReusedFilesExist} refuses such a checkpoint before its _metadata is written. Both
 * run under {@link CheckpointStorage}'s lock, so no deletion slips between the check and the write.
 */
final class SharedFileRetention {

    private static final Logger LOG = LoggerFactory.getLogger(SharedFileRetention.class);

    private final ObjectStore store;
    private final String prefix;
    private final Pattern createdIn;
    /** Keys the newest completed checkpoint (written by this process) refers to: known to exist. */
    private Set<String> lastCompleted = Set.of();

    SharedFileRetention(ObjectStore store, String base) {
        this.store = store;
        this.prefix = base + "/" + CheckpointStorage.SHARED + "/";
        this.createdIn = Pattern.compile(Pattern.quote(prefix) + "(\\d{1,18})-.+");
    }

    void checkReusedFilesExist(CheckpointMetadata metadata) throws IOException {
        for (String key : referencedKeys(metadata, metadata.checkpointId())) {
            if (!lastCompleted.contains(key) && !store.exists(key)) {
                throw new SharedStateMissingException("checkpoint " + metadata.checkpointId()
                        + " refers to shared file " + key + ", which retention has deleted since");
            }
        }
    }

    void completed(CheckpointMetadata metadata) {
        lastCompleted = referencedKeys(metadata, Long.MAX_VALUE);
    }

    /**
     * Deletes the shared files that none of {@code kept} refers to, uploaded by checkpoints up to
     * {@code newestCompleted}.
     */
    void deleteUnreferenced(List<CheckpointMetadata> kept, long newestCompleted) throws IOException {
        Set<String> referenced = new HashSet<>();
        for (CheckpointMetadata metadata : kept) {
            referenced.addAll(referencedKeys(metadata, Long.MAX_VALUE));
        }
        int deleted = 0;
        for (String key : store.list(prefix)) {
            Matcher m = createdIn.matcher(key);
            if (!m.matches() || referenced.contains(key)) {
                continue;
            }
            if (Long.parseLong(m.group(1)) <= newestCompleted) {
                store.delete(key);
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.debug("deleted {} shared files no retained checkpoint refers to", deleted);
        }
    }

    /** Keys of the shared files a checkpoint refers to that were uploaded before {@code createdBefore}. */
    private static Set<String> referencedKeys(CheckpointMetadata metadata, long createdBefore) {
        Set<String> keys = new HashSet<>();
        for (List<OperatorSubtaskState> states : metadata.operators().values()) {
            for (OperatorSubtaskState state : states) {
                if (state.incremental() != null) {
                    for (SharedFile file : state.incremental().sharedFiles()) {
                        if (file.createdIn() < createdBefore) {
                            keys.add(file.key());
                        }
                    }
                }
                if (state.changelog() != null) {
                    for (List<StateHandle> chain : state.changelog().values()) {
                        for (StateHandle handle : chain) {
                            long created = SharedKeys.createdIn(handle.key());
                            if (created >= 0 && created < createdBefore) {
                                keys.add(handle.key());
                            }
                        }
                    }
                }
            }
        }
        return keys;
    }
}
