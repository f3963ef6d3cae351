package dev.weir.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.testing.CommittedOutput;
import dev.weir.testkit.SinkTestHarness;

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
        FileTransactionWriter<String> writer = new FileTransactionWriter<>(context, dir, "part", RollingPolicy.AT_BARRIERS, 64);
        writer.initializeState();
        writer.write("x");
        writer.snapshotState(1);
        FileTransaction transaction = new FileTransaction(dir, "part", 0, 0).closedAt(1, List.of(0L));
        writer.commit(transaction);
        writer.commit(transaction);
        writer.notifyCheckpointComplete(1);
        writer.notifyCheckpointComplete(1);
        assertThat(CommittedOutput.lines(dir)).containsExactly("x");
        assertThat(names(dir)).containsExactly("part-0-chk1-a0-0");
    }

    @Test
    void aFileMovedAwayAfterItsCommitIsNoReasonToFailTheRecovery() throws Exception {
        SinkContext context = new SinkContext("job", 0, 1, 0, OperatorStateRestore.empty(0, 1));
        FileTransactionWriter<String> writer = new FileTransactionWriter<>(context, dir, "part", RollingPolicy.AT_BARRIERS, 64);
        writer.initializeState();
        writer.commit(new FileTransaction(dir, "part", 0, 0).closedAt(1, List.of(99L))); // taken by a reader: logged
        assertThat(CommittedOutput.visibleFiles(dir)).isEmpty();
    }

    @Test
    void restoredWhereTheCheckpointsDirectoryIsMissingTheJobStopsNamingIt() throws Exception {
        Path gone = dir.resolve("gone");
        ExactlyOnceFileSink<String> first = new ExactlyOnceFileSink<>(gone);
        SinkWriter<String> writer = first.createWriter(new SinkContext("job", 0, 1, 0, OperatorStateRestore.empty(0, 1)));
        writer.write("pending");
        byte[] state = writer.snapshotState(1);
        writer.close();
        deleteTree(gone);
        ExactlyOnceFileSink<String> restored = new ExactlyOnceFileSink<>(dir.resolve("new"));
        assertThatThrownBy(() -> restored.createWriter(new SinkContext("job", 0, 1, 1, new OperatorStateRestore(0, 1, List.of(state)))))
                .isInstanceOf(UnrecoverableJobException.class)
                .hasMessageContaining(gone.toAbsolutePath().toString()).hasMessageContaining("does not exist");
    }

    @Test
    void restoredWithAnotherOutputDirectoryCommitsTheCheckpointsFilesWhereTheyWereWritten() throws Exception {
        Path before = dir.resolve("before");
        Path after = dir.resolve("after");
        SinkWriter<String> writer = new ExactlyOnceFileSink<String>(before)
                .createWriter(new SinkContext("job", 0, 1, 0, OperatorStateRestore.empty(0, 1)));
        writer.write("committed");
        writer.snapshotState(1);
        writer.notifyCheckpointComplete(1);
        writer.write("pending");
        byte[] savepoint = writer.snapshotState(2); // the job stops before it hears checkpoint 2 completed

        SinkWriter<String> restored = new ExactlyOnceFileSink<String>(after)
                .createWriter(new SinkContext("job", 0, 1, 1, new OperatorStateRestore(0, 1, List.of(savepoint))));
        restored.write("later");
        restored.snapshotState(3);
        restored.notifyCheckpointComplete(3);
        restored.close();
        assertThat(CommittedOutput.lines(before)).containsExactlyInAnyOrder("committed", "pending");
        assertThat(CommittedOutput.hiddenFiles(before)).isEmpty();
        assertThat(CommittedOutput.lines(after)).containsExactly("later");
    }

    @Test
    void aHandleFromACheckpointThatDidNotNameItsDirectoryCommitsInTheSinksDirectory() throws Exception {
        Files.writeString(dir.resolve(".part-0-0-0.inprogress"), "old\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes); // the form before handles named their directory
        out.writeUTF("part");
        out.writeInt(0);
        out.writeLong(0);
        out.writeLong(7);
        out.writeInt(1);
        out.writeLong(0);
        FileTransaction old = FileTransaction.SERIALIZER.deserialize(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        SinkContext context = new SinkContext("job", 0, 1, 1, OperatorStateRestore.empty(0, 1));
        FileTransactionWriter<String> writer = new FileTransactionWriter<>(context, dir, "part", RollingPolicy.AT_BARRIERS, 64);
        writer.commit(old);
        assertThat(names(dir)).containsExactly("part-0-chk7-a0-0");
        assertThat(CommittedOutput.lines(dir)).containsExactly("old");
    }

    @Test
    void handlesRoundTripWithTheirDirectory() throws Exception {
        FileTransaction handle = new FileTransaction(dir.resolve("x/../y"), "pé", 3, 4).closedAt(9, List.of(1L, 5L));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FileTransaction.SERIALIZER.serialize(handle, new DataOutputStream(bytes));
        FileTransaction back = FileTransaction.SERIALIZER.deserialize(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back).isEqualTo(handle);
        assertThat(back.directory(Path.of("elsewhere"))).isEqualTo(dir.resolve("y").toAbsolutePath());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void committedNamesShowTheSubtaskAndTheCheckpointWhoseBarrierClosedTheFile() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(new ExactlyOnceFileSink<>(dir), 2, 0);
        harness.write(0, "a");
        harness.write(1, "b");
        long first = harness.snapshot();
        harness.notifyAborted(first);
        harness.write(0, "c");
        long second = harness.snapshot(); // subtask 1 has nothing for it: no file
        harness.complete(second, true);
        assertThat(names(dir)).containsExactlyInAnyOrder("part-0-chk" + first + "-a0-0", "part-1-chk" + first + "-a0-0",
                "part-0-chk" + second + "-a0-1");
        assertThat(Files.readAllLines(dir.resolve("part-0-chk" + second + "-a0-1"))).containsExactly("c");

        harness.write(1, "lost in the crash");
        harness.restore(2, false);
        harness.write(1, "d");
        long afterRestore = harness.snapshot();
        harness.complete(afterRestore, true);
        assertThat(names(dir)).contains("part-1-chk" + afterRestore + "-a1-0");
        assertThat(CommittedOutput.lines(dir)).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void rollingBySizeGivesEachFileItsOwnNameUnderTheSameCheckpoint() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(new ExactlyOnceFileSink<String>(dir).withMaxFileSize(20), 1, 0);
        List<String> input = IntStream.range(0, 10).mapToObj(i -> "line-" + i + "-xxx").toList(); // 11 bytes each
        for (String line : input) {
            harness.write(0, line);
        }
        long id = harness.snapshot();
        assertThat(CommittedOutput.visibleFiles(dir)).isEmpty();
        harness.complete(id, true);
        assertThat(names(dir)).containsExactlyInAnyOrder(IntStream.range(0, 5).mapToObj(seq -> "part-0-chk" + id + "-a0-" + seq)
                .toArray(String[]::new));
        for (Path file : CommittedOutput.visibleFiles(dir)) {
            assertThat(Files.size(file)).isEqualTo(22); // rolled once it held 20 bytes or more
        }
        assertThat(CommittedOutput.lines(dir)).containsExactlyElementsOf(input);
        assertThat(CommittedOutput.hiddenFiles(dir)).isEmpty();
    }

    @Test
    void rollingByTimeStartsANewFileForTheFirstRecordAfterTheInterval() throws Exception {
        AtomicLong clock = new AtomicLong(1_000);
        ExactlyOnceFileSink<String> sink = new ExactlyOnceFileSink<String>(dir)
                .withRolloverInterval(Duration.ofSeconds(1)).withClock(clock::get);
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink, 1, 0);
        harness.write(0, "a");
        clock.addAndGet(999);
        harness.write(0, "b");
        clock.addAndGet(1);
        harness.write(0, "c");
        clock.addAndGet(5_000); // nothing arrives: the open file waits for the barrier
        long first = harness.snapshot();
        harness.write(0, "d");
        long second = harness.snapshot();
        harness.complete(second, true);
        assertThat(Files.readAllLines(dir.resolve("part-0-chk" + first + "-a0-0"))).containsExactly("a", "b");
        assertThat(Files.readAllLines(dir.resolve("part-0-chk" + first + "-a0-1"))).containsExactly("c");
        assertThat(Files.readAllLines(dir.resolve("part-0-chk" + second + "-a0-2"))).containsExactly("d");
        assertThat(names(dir)).hasSize(3);
    }

    @Test
    void rollsWhileRestoringAfterEveryItemWithoutLosingOrRepeatingARecord() throws Exception {
        Path out = dir.resolve("rolling");
        List<String> input = input(120);
        SinkTestHarness.runWithRestoreAfterEveryItem(new ExactlyOnceFileSink<String>(out).withMaxFileSize(1), input, 5, 2, 3);
        assertThat(CommittedOutput.lines(out)).containsExactlyInAnyOrderElementsOf(input);
        assertThat(CommittedOutput.hiddenFiles(out)).isEmpty();
    }

    @Test
    void neverOverwritesAFileOfAnotherRunThatUsedTheSameName() throws Exception {
        // Another run with other checkpoint storage counts attempts and checkpoint ids anew.
        Files.writeString(dir.resolve("part-0-chk1-a0-0"), "theirs\n");
        Files.writeString(dir.resolve(".part-0-0-1.inprogress"), "their leftover\n");
        SinkTestHarness<String> harness = new SinkTestHarness<>(new ExactlyOnceFileSink<>(dir), 1, 0);
        harness.write(0, "mine");
        harness.complete(harness.snapshot(), true);
        assertThat(Files.readAllLines(dir.resolve("part-0-chk1-a0-0"))).containsExactly("theirs");
        assertThat(names(dir)).containsExactlyInAnyOrder("part-0-chk1-a0-0", "part-0-chk1-a0-2");
        assertThat(CommittedOutput.lines(dir)).containsExactlyInAnyOrder("theirs", "mine");
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

    private static List<String> names(Path directory) throws Exception {
        return CommittedOutput.visibleFiles(directory).stream().map(f -> f.getFileName().toString()).toList();
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
