package dev.weir.runtime.storage;

import static dev.weir.runtime.checkpoint.CheckpointType.CHECKPOINT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.SharedStateMissingException;
import dev.weir.runtime.checkpoint.StateHandle;

/**
 * The shared files of incremental checkpoints are reference-counted by the retained checkpoints:
 * a file goes only when no retained checkpoint refers to it, never while a checkpoint that may
 * still complete could, and a checkpoint reusing a file retention deleted does not complete.
 */
class SharedFileRetentionTest {

    private static final String BASE = "weir/default/rocks";

    @TempDir
    Path root;
    private LocalObjectStore store;
    private CheckpointStorage storage;

    @BeforeEach
    void open() throws Exception {
        store = new LocalObjectStore(root);
        storage = new CheckpointStorage(store, BASE);
    }

    /** Uploads a shared file as checkpoint {@code createdIn} would. */
    private SharedFile upload(long createdIn, String name) throws Exception {
        String key = storage.sharedFileKey(createdIn, name);
        storage.writeState(key, new byte[] {1, 2, 3});
        return new SharedFile(name, key, 3, createdIn);
    }

    /** Writes state and metadata of a checkpoint referring to these shared files. */
    private void complete(long id, SharedFile... files) throws Exception {
        String stateKey = storage.stateKey(id, CHECKPOINT, CheckpointFixtures.COUNTER_0, 0, 127);
        storage.writeState(stateKey, new byte[] {9});
        IncrementalStateHandle db = new IncrementalStateHandle("db-1", 0, 127, List.of(files),
                Map.of("MANIFEST-000001", new StateHandle(stateKey, 0, 1)));
        storage.writeMetadata(new CheckpointMetadata(id, false, 0, 0, "rocks", 1, 128,
                Map.of("count", List.of(new OperatorSubtaskState(0, null, Map.of(), db)))), CHECKPOINT);
    }

    private boolean exists(SharedFile f) throws Exception {
        return store.exists(f.key());
    }

    @Test
    void aSharedFileIsDeletedOnlyWhenNoRetainedCheckpointRefersToIt() throws Exception {
        SharedFile a = upload(1, "000007.sst");
        SharedFile b = upload(1, "000008.sst");
        complete(1, a, b);
        SharedFile c = upload(2, "000012.sst"); // b compacted away into c
        complete(2, a, c);
        SharedFile d = upload(3, "000015.sst");
        complete(3, a, d);

        storage.retainLatest(2);
        assertThat(storage.completedCheckpointIds()).containsExactly(2L, 3L);
        assertThat(exists(a)).as("referred to by 2 and 3").isTrue();
        assertThat(exists(b)).as("only checkpoint 1 referred to it").isFalse();
        assertThat(exists(c)).isTrue();

        storage.retainLatest(1);
        assertThat(exists(a)).as("still referred to by 3, though uploaded by 1").isTrue();
        assertThat(exists(c)).isFalse();
        assertThat(exists(d)).isTrue();
    }

    /** A heap checkpoint's chain: per key group, snapshots (ranges of shared objects) oldest first. */
    private void completeHeapChain(long id, SharedFile... links) throws Exception {
        Map<Integer, List<StateHandle>> chain = new java.util.HashMap<>();
        chain.put(5, java.util.Arrays.stream(links).map(f -> new StateHandle(f.key(), 0, 3)).toList());
        chain.put(6, List.of(new StateHandle(links[0].key(), 1, 2)));
        storage.writeMetadata(new CheckpointMetadata(id, false, 0, 0, "rocks", 1, 128,
                Map.of("count", List.of(new OperatorSubtaskState(0, null, Map.of(), null, chain)))), CHECKPOINT);
    }

    @Test
    void theSnapshotsOfAHeapChainAreKeptWhileARetainedCheckpointRefersToThem() throws Exception {
        SharedFile full = upload(1, "heap-0-127");
        completeHeapChain(1, full);
        SharedFile changes2 = upload(2, "heap-0-127");
        completeHeapChain(2, full, changes2);
        SharedFile changes3 = upload(3, "heap-0-127");
        completeHeapChain(3, full, changes3); // built on 1: 2 was not known complete yet
        storage.retainLatest(1);
        assertThat(exists(full)).as("the chain of 3 starts with it, uploaded by 1").isTrue();
        assertThat(exists(changes3)).isTrue();
        assertThat(exists(changes2)).as("no retained checkpoint refers to it").isFalse();

        SharedFile whole = upload(4, "heap-0-127"); // the chain was cut: written whole
        completeHeapChain(4, whole);
        storage.retainLatest(1);
        assertThat(exists(full)).isFalse();
        assertThat(exists(changes3)).isFalse();
        assertThat(exists(whole)).isTrue();
    }

    @Test
    void filesOfACheckpointThatMayStillCompleteAreKept() throws Exception {
        SharedFile a = upload(1, "000007.sst");
        complete(1, a);
        SharedFile pending = upload(2, "000009.sst"); // checkpoint 2 is being uploaded right now
        storage.retainLatest(1);
        assertThat(exists(pending)).isTrue();
        assertThat(exists(a)).isTrue();
    }

    @Test
    void filesOfAnAbortedCheckpointGoOnceANewerOneCompleted() throws Exception {
        SharedFile a = upload(1, "000007.sst");
        complete(1, a);
        SharedFile aborted = upload(2, "000009.sst"); // checkpoint 2 never completed
        SharedFile c = upload(3, "000011.sst");
        complete(3, a, c);
        storage.retainLatest(3);
        assertThat(exists(aborted)).isFalse();
        assertThat(exists(a)).isTrue();
        assertThat(exists(c)).isTrue();
    }

    @Test
    void nothingSharedIsDeletedWhileARetainedCheckpointsMetadataCannotBeRead() throws Exception {
        SharedFile a = upload(1, "000007.sst");
        complete(1, a);
        SharedFile b = upload(2, "000009.sst");
        complete(2, b);
        store.put(BASE + "/checkpoints/chk-2/_metadata", "garbage".getBytes());
        SharedFile c = upload(3, "000011.sst");
        complete(3, c);
        // 3 is readable, 2 is kept (unreadable, not counted), 1 is the second readable one
        storage.retainLatest(2);
        assertThat(exists(a)).isTrue();
        assertThat(exists(b)).as("what chk-2 refers to is unknown").isTrue();
    }

    @Test
    void aCheckpointReusingAFileRetentionDeletedDoesNotComplete() throws Exception {
        SharedFile a = upload(1, "000007.sst");
        complete(1, a);
        SharedFile b = upload(2, "000009.sst");
        complete(2, b); // a compacted away
        storage.retainLatest(1);
        assertThat(exists(a)).isFalse();

        // A subtask that has not heard of checkpoint 2 yet reuses checkpoint 1's file.
        assertThatThrownBy(() -> complete(3, a, upload(3, "000013.sst")))
                .isInstanceOf(SharedStateMissingException.class)
                .hasMessageContaining(a.key());
        assertThat(storage.completedCheckpointIds()).containsExactly(2L);

        complete(4, b, upload(4, "000014.sst"));
        assertThat(storage.completedCheckpointIds()).containsExactly(2L, 4L);
    }

    @Test
    void savepointsReferToNoSharedFileAndRetentionLeavesThemAlone() throws Exception {
        SharedFile a = upload(1, "000007.sst");
        complete(1, a);
        CheckpointFixtures.writeCompleted(storage, 2, dev.weir.runtime.checkpoint.CheckpointType.SAVEPOINT);
        SharedFile b = upload(3, "000009.sst");
        complete(3, b);
        storage.retainLatest(1);
        assertThat(exists(a)).isFalse();
        List<String> savepoint = new ArrayList<>(store.list(BASE + "/savepoints/"));
        assertThat(savepoint).hasSize(2);
    }
}
