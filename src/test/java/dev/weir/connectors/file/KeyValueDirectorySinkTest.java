package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.testing.CommittedOutput;
import dev.weir.testkit.SinkTestHarness;

class KeyValueDirectorySinkTest {

    @TempDir
    Path dir;

    @Test
    void endsWithOneFilePerKeyWithRestoreAfterEveryItem() throws Exception {
        List<String> input = IntStream.range(0, 150).mapToObj(i -> "k" + i + "=" + (i * 31)).toList();
        for (long seed = 0; seed < 3; seed++) {
            Path out = dir.resolve("run-" + seed);
            SinkTestHarness.runWithRestoreAfterEveryItem(
                    new KeyValueDirectorySink<String>(out, r -> r.substring(0, r.indexOf('='))), input, seed, 2, 3, 1);
            assertThat(CommittedOutput.lines(out)).containsExactlyInAnyOrderElementsOf(input);
            assertThat(CommittedOutput.hiddenFiles(out)).isEmpty();
        }
    }

    @Test
    void laterRecordOfAKeyReplacesTheEarlierOne() throws Exception {
        KeyValueDirectorySink<String> sink = new KeyValueDirectorySink<>(dir, r -> r.substring(0, 1));
        SinkWriter<String> writer = sink.createWriter(new SinkContext("job", 0, 1, 0, OperatorStateRestore.empty(0, 1)));
        writer.write("a1");
        writer.write("b1");
        writer.write("a2");
        writer.snapshotState(1);
        writer.write("b2");
        writer.snapshotState(2);
        assertThat(CommittedOutput.lines(dir)).containsExactlyInAnyOrder("a2", "b2");
    }

    @Test
    void keysNeverBecomeHiddenOrEscapeTheDirectory() {
        assertThat(KeyValueDirectorySink.fileName(".hidden")).isEqualTo("%2Ehidden");
        assertThat(KeyValueDirectorySink.fileName("_meta")).isEqualTo("%5Fmeta");
        assertThat(KeyValueDirectorySink.fileName("../x/y")).doesNotContain("/").doesNotStartWith(".");
    }

    @Test
    void deletesTempFilesOfCrashedAttempts() throws Exception {
        Files.writeString(dir.resolve(".tmp-0-0-3"), "half");
        KeyValueDirectorySink<String> sink = new KeyValueDirectorySink<>(dir, r -> r);
        sink.createWriter(new SinkContext("job", 0, 1, 1, new OperatorStateRestore(0, 1, List.of(new byte[0]))));
        assertThat(CommittedOutput.hiddenFiles(dir)).isEmpty();
    }
}
