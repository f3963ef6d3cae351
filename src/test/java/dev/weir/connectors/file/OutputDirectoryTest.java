package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/** An output the file sink can never write to fails the job at once (CONFIGURATION), naming the path. */
class OutputDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void anOutputPathThatIsAFileIsAConfigurationMistake() throws Exception {
        Path file = Files.writeString(dir.resolve("out"), "not a directory");
        assertUnusable(file, "output directory " + file + " is a file, not a directory");
        assertUnusable(file.resolve("below"), "cannot be created: " + file.resolve("below") + ": Not a directory");
    }

    /** Root may write anywhere its permission bits allow; /sys refuses new files even to root. */
    @Test
    void aDirectoryThatTakesNoFilesIsAConfigurationMistake() throws Exception {
        Path readOnly = Path.of("/sys");
        assumeTrue(Files.isDirectory(readOnly));
        assertUnusable(readOnly, "output directory /sys is not writable: ");
        assertUnusable(readOnly.resolve("weir-out"), "output directory /sys/weir-out cannot be created: /sys/weir-out: ");
    }

    @Test
    void aWritableDirectoryIsCreatedAndLeftAsItWas() throws Exception {
        Path out = dir.resolve("a/b");
        new ExactlyOnceFileSink<String>(out).createWriter(context()).close();
        try (var files = Files.list(out)) {
            assertThat(files).as("the write check leaves nothing behind").isEmpty();
        }
    }

    private static void assertUnusable(Path output, String message) {
        assertThatThrownBy(() -> new ExactlyOnceFileSink<String>(output).createWriter(context()))
                .isInstanceOfSatisfying(UnrecoverableJobException.class,
                        e -> assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION))
                .hasMessageContaining(message);
    }

    private static SinkContext context() {
        return new SinkContext("test", 0, 1, 1, new OperatorStateRestore(0, 1, List.of()));
    }
}
