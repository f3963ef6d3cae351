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

    @Test
    void deleteAllPrunesTheEmptiedDirectory() throws Exception {
        store.put("job/checkpoints/chk-1/a.state", bytes("a"));
        store.put("job/checkpoints/chk-2/a.state", bytes("a"));

        store.deleteAll("job/checkpoints/chk-1/");

        assertThat(root.resolve("job/checkpoints/chk-1")).doesNotExist();
        assertThat(root.resolve("job/checkpoints/chk-2")).isDirectory();
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
