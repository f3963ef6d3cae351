package dev.weir.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest extends ObjectStoreContract {

    @TempDir
    Path root;

    private LocalObjectStore store;

    @BeforeEach
    void open() throws IOException {
        store = new LocalObjectStore(root);
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Test
    void describeIsTheFileUriOfTheRoot() {
        assertThat(store.describe()).isEqualTo("file://" + root.toAbsolutePath());
    }

    @Test
    void listSkipsInFlightTempFiles() throws Exception {
        store.put("chk-1/a.state", bytes("a"));
        Files.writeString(root.resolve("chk-1/.b.state123.tmp"), "partial");

        assertThat(store.list("chk-1/")).containsExactly("chk-1/a.state");
    }

    @Test
    void putLeavesNoTempFilesBehind() throws Exception {
        store.put("chk-1/a.state", bytes("a"));

        try (var files = Files.list(root.resolve("chk-1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.state");
        }
    }

    /** Retention deletes old checkpoints while the coordinator or a test lists the others. */
    @Test
    void listingWhileDirectoriesAreDeletedShowsWhatRemainsWithoutFailing() throws Exception {
        for (int round = 0; round < 100; round++) {
            for (int chk = 0; chk < 8; chk++) {
                for (int file = 0; file < 4; file++) {
                    store.put("job/checkpoints/chk-" + chk + "/f" + file + ".state", bytes("x"));
                }
            }
            Thread deleter = new Thread(() -> {
                for (int chk = 0; chk < 7; chk++) {
                    try {
                        store.deleteAll("job/checkpoints/chk-" + chk + "/");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            deleter.start();
            while (deleter.isAlive()) {
                assertThat(store.list("job/checkpoints/")).contains("job/checkpoints/chk-7/f0.state");
            }
            deleter.join();
            assertThat(store.list("job/checkpoints/")).hasSize(4);
            store.deleteAll("job/checkpoints/");
        }
    }

    @Test
    void deleteAllPrunesTheEmptiedDirectory() throws Exception {
        store.put("job/checkpoints/chk-1/a.state", bytes("a"));
        store.put("job/checkpoints/chk-2/a.state", bytes("a"));

        store.deleteAll("job/checkpoints/chk-1/");

        assertThat(root.resolve("job/checkpoints/chk-1")).doesNotExist();
        assertThat(root.resolve("job/checkpoints/chk-2")).isDirectory();
    }

    /** A worker killed while it wrote its state left a temporary file, which no listing shows. */
    @Test
    void deleteAllRemovesTheTemporaryFilesOfWritesThatNeverFinished() throws Exception {
        store.put("job/checkpoints/chk-34/a.state", bytes("a"));
        Files.writeString(root.resolve("job/checkpoints/chk-34/.count-sum-1-64-127.state4711.tmp"), "partial");
        Files.writeString(root.resolve("job/checkpoints/.chk-35-hidden.tmp"), "not under chk-34/");

        store.deleteAll("job/checkpoints/chk-34/");

        assertThat(root.resolve("job/checkpoints/chk-34")).doesNotExist();
        assertThat(root.resolve("job/checkpoints/.chk-35-hidden.tmp")).exists();
    }

    @Test
    void rejectsKeysThatEscapeTheRootOrLookLikeTempFiles() {
        for (String key : new String[] {"../x", "a/../../x", "/abs", "a//b", ".hidden", "a/.tmp", ""}) {
            assertThatThrownBy(() -> store.put(key, bytes("x")))
                    .as(key)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
