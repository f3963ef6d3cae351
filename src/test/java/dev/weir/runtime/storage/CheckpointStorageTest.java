package dev.weir.runtime.storage;

import static dev.weir.runtime.checkpoint.CheckpointType.CHECKPOINT;
import static dev.weir.runtime.checkpoint.CheckpointType.SAVEPOINT;
import static dev.weir.runtime.storage.CheckpointFixtures.COUNTER_0;
import static dev.weir.runtime.storage.CheckpointFixtures.writeCompleted;
import static dev.weir.runtime.storage.CheckpointFixtures.writeStateOnly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStorageTest {

    private static final String BASE = "weir/default/keyed-count";

    @TempDir
    Path root;

    private LocalObjectStore store;
    private CheckpointStorage storage;

    @BeforeEach
    void open() throws Exception {
        store = new LocalObjectStore(root);
        storage = new CheckpointStorage(store, BASE);
    }

    @Test
    void stateKeysFollowTheLayout() {
        assertThat(storage.stateKey(7, CHECKPOINT, new ExecutionVertexId("Source: gen -> map", 2), 64, 127))
                .isEqualTo(BASE + "/checkpoints/chk-7/Source__gen_-__map-2-64-127.state");
        assertThat(storage.stateKey(3, SAVEPOINT, COUNTER_0, 0, 127))
                .isEqualTo(BASE + "/savepoints/sp-3/counter-0-0-127.state");
    }

    @Test
    void locationsAreUserFacingUris() {
        assertThat(storage.location(7, CHECKPOINT))
                .isEqualTo("file://" + root.toAbsolutePath() + "/" + BASE + "/checkpoints/chk-7");
        assertThat(storage.location(3, SAVEPOINT)).endsWith(BASE + "/savepoints/sp-3");
    }

    @Test
    void metadataRoundTripsAndIsWrittenNextToTheState() throws Exception {
        CheckpointMetadata written = writeCompleted(storage, 5, CHECKPOINT);

        assertThat(store.list(BASE + "/checkpoints/chk-5/"))
                .containsExactly(BASE + "/checkpoints/chk-5/_metadata", BASE + "/checkpoints/chk-5/counter-0-0-1.state");
        assertThat(storage.readMetadata(BASE + "/checkpoints/chk-5")).isEqualTo(written);
        assertThat(storage.readMetadata(BASE + "/checkpoints/chk-5/_metadata")).isEqualTo(written);
        assertThat(storage.readMetadata(storage.location(5, CHECKPOINT))).isEqualTo(written);
        assertThat(storage.readMetadata(storage.location(5, CHECKPOINT) + "/_metadata")).isEqualTo(written);
        assertThat(new String(Files.readAllBytes(root.resolve(BASE + "/checkpoints/chk-5/_metadata"))))
                .contains("\"checkpointId\":5", "\"keyed-count\"");
    }

    @Test
    void readStateReadsTheHandlesRange() throws Exception {
        CheckpointMetadata metadata = writeCompleted(storage, 1, CHECKPOINT);
        var subtask = metadata.operators().get("count-op").get(0);

        assertThat(text(storage.readState(subtask.operatorState()))).isEqualTo("ops");
        assertThat(text(storage.readState(subtask.keyGroups().get(0)))).isEqualTo("KG0-");
        assertThat(text(storage.readState(subtask.keyGroups().get(1)))).isEqualTo("KG");
    }

    @Test
    void readMetadataOfAMissingCheckpointIsNoSuchFile() {
        assertThatThrownBy(() -> storage.readMetadata(BASE + "/checkpoints/chk-9"))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> storage.readMetadata("s3://elsewhere/x/chk-1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metadataTypeMustMatch() throws Exception {
        CheckpointMetadata checkpoint = writeCompleted(storage, 1, CHECKPOINT);

        assertThatThrownBy(() -> storage.writeMetadata(checkpoint, SAVEPOINT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latestCompletedIsTheHighestIdWithMetadata() throws Exception {
        assertThat(storage.findLatestCompleted()).isEmpty();

        writeCompleted(storage, 2, CHECKPOINT);
        CheckpointMetadata newest = writeCompleted(storage, 10, CHECKPOINT);
        writeCompleted(storage, 9, CHECKPOINT);
        writeStateOnly(storage, 11, CHECKPOINT);
        writeCompleted(storage, 50, SAVEPOINT);

        var latest = storage.findLatestCompleted().orElseThrow();
        assertThat(latest.id()).isEqualTo(10);
        assertThat(latest.metadata()).isEqualTo(newest);
        assertThat(latest.location()).isEqualTo(storage.location(10, CHECKPOINT));
        assertThat(storage.completedCheckpointIds()).containsExactly(2L, 9L, 10L);
        assertThat(storage.highestCheckpointIdSeen()).isEqualTo(11);
    }

    /** A job stopped with a savepoint resumes from it, not from the checkpoint before it (its output is committed). */
    @Test
    void theLatestRestorePointIsANewerSavepointOrElseTheLatestCheckpoint() throws Exception {
        assertThat(storage.findLatestRestorePoint()).isEmpty();
        writeCompleted(storage, 2, SAVEPOINT);
        assertThat(storage.findLatestRestorePoint().orElseThrow().location()).isEqualTo(storage.location(2, SAVEPOINT));

        writeCompleted(storage, 3, CHECKPOINT);
        assertThat(storage.findLatestRestorePoint().orElseThrow().location()).isEqualTo(storage.location(3, CHECKPOINT));

        CheckpointMetadata stopped = writeCompleted(storage, 4, SAVEPOINT);
        writeStateOnly(storage, 5, SAVEPOINT);
        var latest = storage.findLatestRestorePoint().orElseThrow();
        assertThat(latest.id()).isEqualTo(4);
        assertThat(latest.location()).isEqualTo(storage.location(4, SAVEPOINT));
        assertThat(latest.metadata()).isEqualTo(stopped);
        assertThat(storage.findLatestCompleted().orElseThrow().id()).as("restarts of a running job").isEqualTo(3);

        store.put(BASE + "/savepoints/sp-6/_metadata", "{\"checkpointId\": 6, trunc".getBytes());
        assertThat(storage.findLatestRestorePoint().orElseThrow().id()).as("a corrupt savepoint is skipped").isEqualTo(4);
    }

    @Test
    void latestDiscoverySkipsCorruptMetadata() throws Exception {
        CheckpointMetadata previous = writeCompleted(storage, 3, CHECKPOINT);
        writeCompleted(storage, 4, CHECKPOINT);
        store.put(BASE + "/checkpoints/chk-4/_metadata", "{\"checkpointId\": 4, trunc".getBytes());

        var latest = storage.findLatestCompleted().orElseThrow();

        assertThat(latest.id()).isEqualTo(3);
        assertThat(latest.metadata()).isEqualTo(previous);
    }

    @Test
    void latestDiscoveryReadsTheStoreNotMemory() throws Exception {
        writeCompleted(storage, 6, CHECKPOINT);

        var reopened = new CheckpointStorage(new LocalObjectStore(root), BASE);

        assertThat(reopened.findLatestCompleted().orElseThrow().id()).isEqualTo(6);
        assertThat(new CheckpointStorage(store, "weir/default/other-job").findLatestCompleted()).isEmpty();
    }

    @Test
    void highestIdSeenIsZeroWithoutCheckpoints() throws Exception {
        assertThat(storage.highestCheckpointIdSeen()).isZero();
    }

    @Test
    void retentionKeepsTheNewestAndDeletesOlderAndAbandonedOnes() throws Exception {
        writeCompleted(storage, 1, CHECKPOINT);
        writeStateOnly(storage, 2, CHECKPOINT); // aborted
        writeCompleted(storage, 3, CHECKPOINT);
        writeCompleted(storage, 4, CHECKPOINT);
        writeStateOnly(storage, 5, CHECKPOINT); // aborted
        writeCompleted(storage, 6, CHECKPOINT);
        writeStateOnly(storage, 7, CHECKPOINT); // in flight: its _metadata may be being written

        storage.retainLatest(2);

        assertThat(storage.completedCheckpointIds()).containsExactly(4L, 6L);
        assertThat(checkpointDirs()).containsExactly("chk-4", "chk-6", "chk-7");
        assertThat(storage.highestCheckpointIdSeen()).isEqualTo(7);
    }

    /** A worker killed while it wrote the state of checkpoint 2 left only a hidden temporary file there. */
    @Test
    void retentionDeletesAnAbortedCheckpointThatHoldsOnlyAnUnfinishedWrite() throws Exception {
        writeCompleted(storage, 1, CHECKPOINT);
        Path aborted = root.resolve(BASE + "/checkpoints/chk-2");
        Files.createDirectories(aborted);
        Files.writeString(aborted.resolve(".count-sum-1-64-127.state8372.tmp"), "partial");
        writeCompleted(storage, 3, CHECKPOINT);

        storage.retainLatest(1);

        assertThat(checkpointDirs()).containsExactly("chk-3");
        assertThat(store.list(BASE + "/checkpoints/")).as("nothing unfinished is listed for reading")
                .allMatch(key -> key.contains("/chk-3/"));
    }

    @Test
    void retentionKeepsTheNewestReadableCheckpointBehindACorruptOne() throws Exception {
        writeCompleted(storage, 1, CHECKPOINT);
        CheckpointMetadata readable = writeCompleted(storage, 2, CHECKPOINT);
        writeCompleted(storage, 3, CHECKPOINT);
        store.put(BASE + "/checkpoints/chk-3/_metadata", "garbage".getBytes());

        storage.retainLatest(1);

        assertThat(storage.completedCheckpointIds()).containsExactly(2L, 3L);
        assertThat(storage.findLatestCompleted().orElseThrow().metadata()).isEqualTo(readable);
    }

    @Test
    void retentionWithoutAnyCompletedCheckpointDeletesNothing() throws Exception {
        writeStateOnly(storage, 1, CHECKPOINT);
        writeStateOnly(storage, 2, CHECKPOINT);

        storage.retainLatest(1);

        assertThat(checkpointDirs()).containsExactly("chk-1", "chk-2");
    }

    @Test
    void retentionNeverTouchesSavepoints() throws Exception {
        CheckpointMetadata savepoint = writeCompleted(storage, 1, SAVEPOINT);
        writeCompleted(storage, 2, CHECKPOINT);
        writeCompleted(storage, 3, CHECKPOINT);

        storage.retainLatest(1);

        assertThat(storage.completedCheckpointIds()).containsExactly(3L);
        assertThat(storage.readMetadata(storage.location(1, SAVEPOINT))).isEqualTo(savepoint);
    }

    @Test
    void discardDeletesOneDirectory() throws Exception {
        writeCompleted(storage, 1, CHECKPOINT);
        writeCompleted(storage, 1, SAVEPOINT);

        storage.discard(1, CHECKPOINT);

        assertThat(store.list(BASE + "/checkpoints/")).isEmpty();
        assertThat(store.list(BASE + "/savepoints/")).hasSize(2);
    }

    @Test
    void opensStorageFromUris() throws Exception {
        writeCompleted(storage, 8, CHECKPOINT);

        try (var fromUri = CheckpointStorage.open(root.toUri().toString(), BASE, null);
                var fromPath = CheckpointStorage.open(root.toString(), "/" + BASE + "/", null)) {
            assertThat(fromUri.findLatestCompleted().orElseThrow().id()).isEqualTo(8);
            assertThat(fromPath.findLatestCompleted().orElseThrow().location())
                    .isEqualTo(storage.location(8, CHECKPOINT));
        }
        assertThatThrownBy(() -> CheckpointStorage.open("s3://bucket/prefix", BASE, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CheckpointStorage.open("hdfs://nn/x", BASE, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private java.util.List<String> checkpointDirs() throws Exception {
        try (var dirs = Files.list(root.resolve(BASE + "/checkpoints"))) {
            return dirs.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
