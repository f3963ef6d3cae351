package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.testing.SourceTestHarness;

/**
 * The local text source: every line exactly once across restores after every poll, rescaling and
 * files added before a restore; hidden files skipped; characters split across reads decode whole.
 */
class TextFileSourceTest {

    @TempDir
    Path dir;

    private final List<String> expected = new ArrayList<>();

    /** Files of several batches (1024 lines per poll), so restores land in the middle of files. */
    @BeforeEach
    void writeInput() throws Exception {
        for (int file = 0; file < 4; file++) {
            write("part-" + file, "f" + file, 900 + file * 700);
        }
        write("nested/part-0", "n0", 1200);
        Files.writeString(dir.resolve(".hidden"), "not input\n");
        Files.writeString(dir.resolve("_SUCCESS"), "");
        Files.createDirectories(dir.resolve("_temporary/0"));
        Files.writeString(dir.resolve("_temporary/0/part-9"), "not input either\n");
        Files.createDirectories(dir.resolve("nested/.staging"));
        Files.writeString(dir.resolve("nested/.staging/part-1"), "nor this\n");
    }

    private void write(String name, String tag, int lines) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < lines; line++) {
            String value = tag + "-l" + line + (line % 11 == 0 ? "-\u00e9\u4e2d\ud83d\ude00" : "");
            expected.add(value);
            text.append(value).append('\n');
        }
        Files.createDirectories(dir.resolve(name).getParent());
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void readsEveryVisibleFileOnceSkippingHiddenFilesAndDirectories() throws Exception {
        assertThat(SourceTestHarness.readAll(new TextFileSource(dir), 2, 8)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void readsEveryLineOnceWithARestoreAfterEveryPoll() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            assertThat(SourceTestHarness.readWithRestoreAfterEveryPoll(new TextFileSource(dir), 2, 8, seed))
                    .as("seed %d", seed).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(SourceTestHarness.readWithRestoreAfterEveryPoll(new TextFileSource(dir).withChunkSize(333), 3, 8, 7))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void readsEveryLineOnceAcrossRescales() throws Exception {
        assertThat(SourceTestHarness.readWithRescales(new TextFileSource(dir), 2, 8, 2, 3, 1))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(SourceTestHarness.readWithRescales(new TextFileSource(dir), 1, 8, 1, 4, 2))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * Files appear between the checkpoint and the restore: one sorting before every file, one between
     * two, one after all. With listing positions in the state, or an "everything up to name X is done"
     * mark, the first two would shift positions or be skipped.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void readsFilesAddedBetweenCheckpointAndRestoreOnce(int restoreAt) throws Exception {
        SourceTestHarness<String> harness = new SourceTestHarness<>(new TextFileSource(dir), 2, 8, restoreAt);
        while (harness.output().size() < expected.size() / 2) {
            harness.pollAll();
        }
        harness.checkpoint();
        harness.pollAll();
        write("a-first", "a", 1500);
        write("part-1b", "m", 700);
        write("z-last", "z", 50);
        Files.writeString(dir.resolve("_SUCCESS-2"), "not input\n");
        harness.restore(restoreAt);
        while (harness.pollAll()) {
            // read to the end
        }
        assertThat(harness.output()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void multiByteCharactersSplitAcrossReadsDecodeWhole() throws Exception {
        Path file = dir.resolve("utf8.txt");
        List<String> lines = List.of("\u00e9\u00e9\u00e9", "\u4e2d\u6587\u5b57", "\ud83d\ude00\ud83d\ude01", "",
                "mixed a\u00e9\u4e2d\ud83d\ude00z and a line longer than every chunk", "crlf \u00fc", "last \u4e2d");
        Files.writeString(file, String.join("\n", lines.subList(0, 5)) + "\n" + lines.get(5) + "\r\n" + lines.get(6),
                StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= 9; chunk++) {
            assertThat(SourceTestHarness.readAll(new TextFileSource(file).withChunkSize(chunk), 1, 8))
                    .as("chunk size %d", chunk).containsExactlyElementsOf(lines);
        }
    }

    @Test
    void readsASingleFileEvenIfItsNameLooksHidden() throws Exception {
        assertThat(SourceTestHarness.readAll(new TextFileSource(dir.resolve("part-1")), 2, 8))
                .containsExactlyInAnyOrderElementsOf(expected.stream().filter(l -> l.startsWith("f1-")).toList());
        assertThat(SourceTestHarness.readAll(new TextFileSource(dir.resolve("_temporary/0/part-9")), 1, 8))
                .containsExactly("not input either");
    }

    @Test
    void aMissingPathFailsNamingTheSource() {
        assertThatThrownBy(() -> new TextFileSource(dir.resolve("missing"))
                .createReader(new SourceContext("test", 0, 1, 8, 0, null)))
                .hasMessageContaining("TextFileSource[" + dir.resolve("missing") + "]")
                .hasMessageContaining("neither a file nor a directory");
    }
}
