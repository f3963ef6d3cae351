package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.state.serialization.Types;
import dev.weir.testing.CommittedOutput;
import dev.weir.testkit.SinkTestHarness;

class WriteAheadLogFileSinkTest {

    @TempDir
    Path dir;

    private static List<String> input(int n) {
        return IntStream.range(0, n).mapToObj(i -> "line-" + i).toList();
    }

    private WriteAheadLogFileSink<String> sink(Path out) {
        return new WriteAheadLogFileSink<>(out, Types.STRING);
    }

    @Test
    void writesEveryRecordExactlyOnceWithRestoreAfterEveryItem() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            Path out = dir.resolve("run-" + seed);
            SinkTestHarness.runWithRestoreAfterEveryItem(sink(out), input(120), seed, 2);
            assertThat(CommittedOutput.lines(out)).containsExactlyInAnyOrderElementsOf(input(120));
            assertThat(CommittedOutput.hiddenFiles(out)).isEmpty();
        }
    }

    @Test
    void writesEveryRecordExactlyOnceWhileRescaling() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            Path out = dir.resolve("run-" + seed);
            SinkTestHarness.runWithRestoreAfterEveryItem(sink(out), input(120), seed, 3, 1, 2);
            assertThat(CommittedOutput.lines(out)).containsExactlyInAnyOrderElementsOf(input(120));
        }
    }

    @Test
    void lostNotificationIsCoveredByTheNextHigherOne() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink(dir), 1, 0);
        harness.write(0, "a");
        harness.complete(harness.snapshot(), false);
        harness.write(0, "b");
        long second = harness.snapshot();
        assertThat(CommittedOutput.lines(dir)).isEmpty();
        harness.complete(second, true);
        assertThat(CommittedOutput.visibleFiles(dir)).extracting(f -> f.getFileName().toString())
                .containsExactly("batch-0-1", "batch-0-2");
    }

    @Test
    void recoveryWritesTheRestoredBatchOnceAfterACrashBeforeTheNotification() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink(dir), 2, 0);
        harness.write(0, "a");
        harness.write(1, "b");
        harness.complete(harness.snapshot(), false);
        harness.restore(1, false); // both old subtasks' batches go to the one new subtask
        assertThat(CommittedOutput.lines(dir)).containsExactlyInAnyOrder("a", "b");
        harness.restore(1, false); // restoring the same checkpoint again finds both committed
        harness.finish();
        assertThat(CommittedOutput.lines(dir)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void deletesTempFilesOfCrashedAttempts() throws Exception {
        Files.writeString(dir.resolve(".batch-1-7.0.tmp"), "half");
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink(dir), 2, 0);
        harness.restore(2, false);
        assertThat(CommittedOutput.hiddenFiles(dir)).isEmpty();
    }
}
