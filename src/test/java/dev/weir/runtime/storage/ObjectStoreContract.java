package dev.weir.runtime.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link ObjectStore} must do; subclasses supply a fresh, empty store per test. */
abstract class ObjectStoreContract {

    protected abstract ObjectStore store();

    @Test
    void aPutOfTheFirstBytesOfALargerBufferStoresOnlyThoseBytes() throws Exception {
        // Checkpoint state files are written from a growable buffer whose array is longer than its content.
        byte[] buffer = java.util.Arrays.copyOf(bytes("state bytes"), 64);

        store().put("chk-1/task.state", buffer, 5);

        assertThat(store().get("chk-1/task.state")).isEqualTo(bytes("state"));
        assertThat(store().size("chk-1/task.state")).isEqualTo(5);
    }

    /** Large state files are spilled to disk and uploaded from there (on S3: in parts). */
    @Test
    void aPutOfALocalFileStoresItsContents(@TempDir Path dir) throws Exception {
        byte[] content = new byte[12 * 1024 * 1024 + 17];
        new java.util.Random(42).nextBytes(content);
        Path file = Files.write(dir.resolve("state.spill"), content);
        store().put("chk-2/task.state", bytes("an older object"));

        store().put("chk-2/task.state", file);

        assertThat(store().size("chk-2/task.state")).isEqualTo(content.length);
        assertThat(store().getRange("chk-2/task.state", content.length - 100, 100))
                .isEqualTo(java.util.Arrays.copyOfRange(content, content.length - 100, content.length));
        assertThat(store().get("chk-2/task.state")).isEqualTo(content);
        assertThat(file).exists(); // the caller's to delete
    }

    @Test
    void putThenGetReturnsTheBytes() throws Exception {
        store().put("a/b/c.bin", bytes("hello"));

        assertThat(store().get("a/b/c.bin")).isEqualTo(bytes("hello"));
        assertThat(store().exists("a/b/c.bin")).isTrue();
    }

    @Test
    void putReplacesAnExistingObject() throws Exception {
        store().put("k", bytes("old content"));
        store().put("k", bytes("new"));

        assertThat(store().get("k")).isEqualTo(bytes("new"));
    }

    @Test
    void emptyObjectsRoundTrip() throws Exception {
        store().put("empty", new byte[0]);

        assertThat(store().get("empty")).isEmpty();
        assertThat(store().getRange("empty", 0, 0)).isEmpty();
    }

    @Test
    void getRangeReadsTheRequestedSlice() throws Exception {
        store().put("r", bytes("0123456789"));

        assertThat(store().getRange("r", 3, 4)).isEqualTo(bytes("3456"));
        assertThat(store().getRange("r", 0, 10)).isEqualTo(bytes("0123456789"));
        assertThat(store().getRange("r", 9, 1)).isEqualTo(bytes("9"));
    }

    @Test
    void getRangePastTheEndFails() throws Exception {
        store().put("r", bytes("0123"));

        assertThatThrownBy(() -> store().getRange("r", 2, 5)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> store().getRange("r", 10, 1)).isInstanceOf(EOFException.class);
    }

    @Test
    void missingObjectsAreNoSuchFile() throws Exception {
        assertThat(store().exists("missing/x")).isFalse();
        assertThatThrownBy(() -> store().get("missing/x")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store().getRange("missing/x", 0, 1)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store().getRange("missing/x", 0, 0)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void listReturnsSortedKeysWithThePrefixRecursively() throws Exception {
        store().put("job/checkpoints/chk-2/_metadata", bytes("m"));
        store().put("job/checkpoints/chk-10/a.state", bytes("a"));
        store().put("job/checkpoints/chk-1/b.state", bytes("b"));
        store().put("job/savepoints/sp-3/_metadata", bytes("s"));
        store().put("other/x", bytes("x"));

        assertThat(store().list("job/checkpoints/"))
                .containsExactly(
                        "job/checkpoints/chk-1/b.state",
                        "job/checkpoints/chk-10/a.state",
                        "job/checkpoints/chk-2/_metadata");
        assertThat(store().list("job/checkpoints/chk-1"))
                .containsExactly("job/checkpoints/chk-1/b.state", "job/checkpoints/chk-10/a.state");
        assertThat(store().list("job/")).hasSize(4);
        assertThat(store().list("nothing/here/")).isEmpty();
    }

    @Test
    void deleteRemovesOneObjectAndIgnoresMissingOnes() throws Exception {
        store().put("d/1", bytes("1"));
        store().put("d/2", bytes("2"));

        store().delete("d/1");
        store().delete("d/does-not-exist");

        assertThat(store().list("d/")).containsExactly("d/2");
    }

    @Test
    void deleteAllRemovesOnlyKeysWithThePrefix() throws Exception {
        store().put("job/checkpoints/chk-1/a.state", bytes("a"));
        store().put("job/checkpoints/chk-1/_metadata", bytes("m"));
        store().put("job/checkpoints/chk-10/a.state", bytes("a"));
        store().put("job/checkpoints/chk-2/a.state", bytes("a"));

        store().deleteAll("job/checkpoints/chk-1/");
        store().deleteAll("job/nothing/");

        assertThat(store().list("job/"))
                .containsExactly("job/checkpoints/chk-10/a.state", "job/checkpoints/chk-2/a.state");
        store().put("job/checkpoints/chk-1/again", bytes("a"));
        assertThat(store().exists("job/checkpoints/chk-1/again")).isTrue();
    }

    @Test
    void describeHasAScheme() {
        assertThat(store().describe()).matches("^(file|s3)://.+").doesNotEndWith("/");
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
