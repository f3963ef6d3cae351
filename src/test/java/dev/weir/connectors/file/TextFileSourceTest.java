package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.testing.SourceTestHarness;

/** The local text source: every line exactly once across restores after every poll and rescaling. */
class TextFileSourceTest {

    @TempDir
    Path dir;

    private final List<String> expected = new ArrayList<>();

    /** Files of several batches (1024 lines per poll), so restores land in the middle of files. */
    @BeforeEach
    void writeInput() throws Exception {
        for (int file = 0; file < 4; file++) {
            StringBuilder text = new StringBuilder();
            for (int line = 0; line < 900 + file * 700; line++) {
                String value = "f" + file + "-l" + line + (line % 11 == 0 ? "-\u00e9\u4e2d\ud83d\ude00" : "");
                expected.add(value);
                text.append(value).append('\n');
            }
            Files.writeString(dir.resolve("part-" + file), text, StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve(".hidden"), "not input\n");
    }

    @Test
    void readsEveryLineOnceWithARestoreAfterEveryPoll() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            assertThat(SourceTestHarness.readWithRestoreAfterEveryPoll(new TextFileSource(dir), 2, 8, seed))
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void readsEveryLineOnceAcrossRescales() throws Exception {
        assertThat(SourceTestHarness.readWithRescale(new TextFileSource(dir), 2, 3, 2, 8))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(SourceTestHarness.readWithRescale(new TextFileSource(dir), 3, 1, 3, 8))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void readsASingleFile() throws Exception {
        assertThat(SourceTestHarness.readAll(new TextFileSource(dir.resolve("part-1")), 2, 8))
                .containsExactlyInAnyOrderElementsOf(expected.stream().filter(l -> l.startsWith("f1-")).toList());
    }
}
