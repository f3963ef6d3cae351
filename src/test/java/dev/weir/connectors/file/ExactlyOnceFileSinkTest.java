package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.weir.testing.SinkTestHarness;

class ExactlyOnceFileSinkTest {

    @TempDir
    Path dir;

    private static List<String> input(int n) {
        return IntStream.range(0, n).mapToObj(i -> "record-" + i + (i % 7 == 0 ? "-\u00e9\u4e2d\ud83d\ude00" : "")).toList();
    }

    @Test
    void commitsEveryRecordExactlyOnceWithRestoreAfterEveryItem() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            Path out = dir.resolve("run-" + seed);
            List<String> input = input(120);
            SinkTestHarness.runWithRestoreAfterEveryItem(new ExactlyOnceFileSink<>(out), input, seed, 2);
            assertThat(CommittedOutput.lines(out)).containsExactlyInAnyOrderElementsOf(input);
            assertThat(CommittedOutput.hiddenFiles(out)).isEmpty();
        }
    }

    @Test
    void commitsEveryRecordExactlyOnceWhileRescaling() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            Path out = dir.resolve("run-" + seed);
            List<String> input = input(120);
            SinkTestHarness.runWithRestoreAfterEveryItem(new ExactlyOnceFileSink<>(out), input, seed, 3, 1, 2, 4);
            assertThat(CommittedOutput.lines(out)).containsExactlyInAnyOrderElementsOf(input);
            assertThat(CommittedOutput.hiddenFiles(out)).isEmpty();
        }
    }

    @Test
    void nothingIsVisibleBeforeTheCheckpointCompletes() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(new ExactlyOnceFileSink<>(dir), 1, 0);
        harness.write(0, "a");
        long id = harness.snapshot();
        assertThat(CommittedOutput.lines(dir)).isEmpty();
        harness.complete(id, true);
        assertThat(CommittedOutput.lines(dir)).containsExactly("a");
    }

    @Test
    void lostNotificationIsCoveredByTheNextHigherOne() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(new ExactlyOnceFileSink<>(dir), 1, 0);
        harness.write(0, "a");
        harness.complete(harness.snapshot(), false);
        harness.write(0, "b");
        long second = harness.snapshot();
        assertThat(CommittedOutput.lines(dir)).isEmpty();
        harness.complete(second, true);
        assertThat(CommittedOutput.lines(dir)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void recoveryCommitsAfterACrashBetweenSnapshotAndNotification() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(new ExactlyOnceFileSink<>(dir), 2, 0);
        harness.write(0, "a");
        harness.write(1, "b");
        harness.complete(harness.snapshot(), false);
        harness.restore(2, false);
        assertThat(CommittedOutput.lines(dir)).containsExactlyInAnyOrder("a", "b");
        harness.finish();
        assertThat(CommittedOutput.lines(dir)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void deletesInProgressFilesOfACrashedAttempt() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(new ExactlyOnceFileSink<>(dir), 3, 0);
        harness.write(0, "kept");
        harness.complete(harness.snapshot(), true);
        harness.write(0, "precommitted-but-failed");
        harness.write(2, "precommitted-but-failed");
        harness.snapshot(); // never completes
        harness.write(1, "open");
        assertThat(CommittedOutput.hiddenFiles(dir)).hasSize(3);
        harness.restore(2, false); // crash; old subtask 2's file now belongs to new subtask 0
        assertThat(CommittedOutput.hiddenFiles(dir)).isEmpty();
        assertThat(CommittedOutput.lines(dir)).containsExactly("kept");
    }

    @Test
    void commitIsIdempotent() throws Exception {
        SinkContext context = new SinkContext("job", 0, 1, 0, OperatorStateRestore.empty(0, 1));
        FileTransactionWriter<String> writer = new FileTransactionWriter<>(context, dir, "part", 64);
        writer.initializeState();
        writer.write("x");
        writer.snapshotState(1);
        FileTransaction transaction = new FileTransaction("part", 0, 0, 0);
        writer.commit(transaction);
        writer.commit(transaction);
        writer.notifyCheckpointComplete(1);
        writer.notifyCheckpointComplete(1);
        assertThat(CommittedOutput.lines(dir)).containsExactly("x");
        assertThatThrownBy(() -> writer.commit(new FileTransaction("part", 0, 0, 99)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("lost");
    }

    @Test
    void closeAbortsOnlyTheOpenTransaction() throws Exception {
        ExactlyOnceFileSink<String> sink = new ExactlyOnceFileSink<>(dir);
        SinkWriter<String> writer = sink.createWriter(new SinkContext("job", 0, 1, 0, OperatorStateRestore.empty(0, 1)));
        writer.write("pending");
        byte[] state = writer.snapshotState(1);
        writer.write("open");
        writer.close();
        assertThat(CommittedOutput.hiddenFiles(dir)).hasSize(1);
        sink.createWriter(new SinkContext("job", 0, 1, 1, new OperatorStateRestore(0, 1, List.of(state)))).close();
        assertThat(CommittedOutput.lines(dir)).containsExactly("pending");
    }

    @Test
    void leavesOtherSinksFilesAlone() throws Exception {
        Files.writeString(dir.resolve(".other-0-0-0.inprogress"), "x");
        Files.writeString(dir.resolve("_SUCCESS"), "");
        SinkTestHarness<String> harness = new SinkTestHarness<>(new ExactlyOnceFileSink<>(dir), 1, 0);
        harness.restore(1, false);
        harness.finish();
        assertThat(CommittedOutput.hiddenFiles(dir)).hasSize(2);
    }
}
