package dev.weir.connectors.file;

import dev.weir.runtime.dataflow.UnrecoverableJobException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.weir.local.EmbeddedS3Server;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;
import dev.weir.testing.CommittedObjects;
import dev.weir.testkit.SinkTestHarness;

class ExactlyOnceS3SinkIT {

    private static final String BUCKET = "weir-sink";
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static EmbeddedS3Server server;
    private static S3Settings template;

    /** A fresh prefix per test and a reader on it, independent of the sink's own client. */
    private String uri;
    private S3ObjectStore reader;

    @BeforeAll
    static void startServer() throws Exception {
        server = EmbeddedS3Server.startInMemory();
        template = server.settings(BUCKET);
        try (S3ObjectStore store = new S3ObjectStore(template)) {
            store.ensureBucket();
        }
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void newPrefix() {
        uri = "s3://" + BUCKET + "/out/run-" + RUNS.incrementAndGet();
        reader = readerOf(uri);
    }

    @AfterEach
    void closeReader() {
        reader.close();
    }

    private static S3ObjectStore readerOf(String uri) {
        return new S3ObjectStore(S3SinkLocation.fromUri(uri, template));
    }

    private ExactlyOnceS3Sink<String> sink() {
        return ExactlyOnceS3Sink.forUri(uri, template);
    }

    private static List<String> input(int n) {
        return IntStream.range(0, n).mapToObj(i -> "record-" + i + (i % 7 == 0 ? "-\u00e9\u4e2d\ud83d\ude00" : "")).toList();
    }

    @Test
    void commitsEveryRecordExactlyOnceWithRestoreAfterEveryItem() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            newPrefix();
            List<String> input = input(40);
            SinkTestHarness.runWithRestoreAfterEveryItem(sink(), input, seed, 2);
            assertThat(CommittedObjects.lines(reader)).containsExactlyInAnyOrderElementsOf(input);
            assertThat(CommittedObjects.openUploads(reader)).isEmpty();
        }
    }

    @Test
    void commitsEveryRecordExactlyOnceWhileRescaling() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            newPrefix();
            List<String> input = input(40);
            SinkTestHarness.runWithRestoreAfterEveryItem(sink(), input, seed, 3, 1, 2, 4);
            assertThat(CommittedObjects.lines(reader)).containsExactlyInAnyOrderElementsOf(input);
            assertThat(CommittedObjects.openUploads(reader)).isEmpty();
        }
    }

    @Test
    void nothingIsVisibleBeforeTheCheckpointCompletes() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink(), 1, 0);
        harness.write(0, "a");
        long id = harness.snapshot();
        assertThat(CommittedObjects.keys(reader)).isEmpty();
        assertThat(CommittedObjects.openUploads(reader)).hasSize(1);
        harness.complete(id, true);
        assertThat(CommittedObjects.keys(reader)).containsExactly("part-0-chk1-a0-0");
        assertThat(CommittedObjects.lines(reader)).containsExactly("a");
        assertThat(CommittedObjects.openUploads(reader)).isEmpty();
    }

    @Test
    void lostNotificationIsCoveredByTheNextHigherOne() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink(), 1, 0);
        harness.write(0, "a");
        harness.complete(harness.snapshot(), false);
        harness.write(0, "b");
        long second = harness.snapshot();
        assertThat(CommittedObjects.keys(reader)).isEmpty();
        harness.complete(second, true);
        assertThat(CommittedObjects.lines(reader)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void checkpointWithoutRecordsCreatesNoUpload() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink(), 2, 0);
        harness.write(0, "a");
        harness.complete(harness.snapshot(), true);
        harness.complete(harness.snapshot(), true);
        harness.finish();
        assertThat(CommittedObjects.keys(reader)).containsExactly("part-0-chk1-a0-0");
        assertThat(CommittedObjects.openUploads(reader)).isEmpty();
    }

    @Test
    void recoveryCommitsAfterACrashBetweenSnapshotAndNotification() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink(), 2, 0);
        harness.write(0, "a");
        harness.write(1, "b");
        harness.complete(harness.snapshot(), false);
        harness.restore(2, false);
        assertThat(CommittedObjects.lines(reader)).containsExactlyInAnyOrder("a", "b");
        harness.finish();
        assertThat(CommittedObjects.lines(reader)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void abortsUploadsOfACrashedAttemptOnRestore() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink(), 3, 0);
        harness.write(0, "kept");
        harness.complete(harness.snapshot(), true);
        harness.write(0, "precommitted-but-failed");
        harness.write(2, "precommitted-but-failed");
        harness.snapshot(); // never completes
        harness.write(1, "open");
        assertThat(CommittedObjects.openUploads(reader)).hasSize(3);
        harness.restore(2, false); // crash; old subtask 2's upload now belongs to new subtask 0
        assertThat(CommittedObjects.openUploads(reader)).isEmpty();
        assertThat(CommittedObjects.lines(reader)).containsExactly("kept");
    }

    @Test
    void leavesOtherSinksUploadsAlone() throws Exception {
        String otherUri = uri + "-other";
        try (S3ObjectStore other = readerOf(otherUri)) {
            SinkTestHarness<String> neighbour = new SinkTestHarness<>(ExactlyOnceS3Sink.forUri(otherUri, template), 1, 0);
            neighbour.write(0, "theirs");
            String foreign = reader.multipartUploads().createMultipartUpload("part-x-not-ours");
            SinkTestHarness<String> harness = new SinkTestHarness<>(sink(), 1, 0);
            harness.restore(1, false);
            harness.finish();
            assertThat(CommittedObjects.openUploads(other)).hasSize(1);
            assertThat(CommittedObjects.openUploads(reader)).extracting(u -> u.uploadId()).containsExactly(foreign);
            reader.multipartUploads().abortMultipartUpload("part-x-not-ours", foreign);
            neighbour.restore(1, false);
            assertThat(CommittedObjects.openUploads(other)).isEmpty();
        }
    }

    @Test
    void commitIsIdempotent() throws Exception {
        S3TransactionWriter<String> writer = new S3TransactionWriter<>(context(0, List.of()),
                readerOf(uri), ExactlyOnceS3Sink.MIN_PART_SIZE, RollingPolicy.AT_BARRIERS);
        writer.initializeState();
        writer.write("x");
        byte[] state = writer.snapshotState(1);
        S3Transaction transaction = onlyTransaction(state);
        writer.commit(transaction);
        writer.commit(transaction);
        writer.notifyCheckpointComplete(1);
        writer.notifyCheckpointComplete(1);
        // A restore from the same checkpoint commits it yet again.
        sink().createWriter(context(1, List.of(state))).close();
        assertThat(CommittedObjects.lines(reader)).containsExactly("x");
        writer.close();
    }

    @Test
    void restoredWithAnotherOutputPrefixCompletesTheCheckpointsUploadsWhereTheyWereStarted() throws Exception {
        SinkWriter<String> writer = sink().createWriter(context(0, List.of()));
        writer.write("committed");
        writer.snapshotState(1);
        writer.notifyCheckpointComplete(1);
        writer.write("pending");
        byte[] savepoint = writer.snapshotState(2); // the job stops before it hears checkpoint 2 completed

        String after = uri + "-after";
        try (S3ObjectStore afterReader = readerOf(after)) {
            SinkWriter<String> restored = ExactlyOnceS3Sink.<String>forUri(after, template).createWriter(context(1, List.of(savepoint)));
            restored.write("later");
            restored.snapshotState(3);
            restored.notifyCheckpointComplete(3);
            restored.close();
            assertThat(CommittedObjects.lines(reader)).containsExactlyInAnyOrder("committed", "pending");
            assertThat(CommittedObjects.openUploads(reader)).isEmpty();
            assertThat(CommittedObjects.lines(afterReader)).containsExactly("later");
        }
    }

    @Test
    void closeAbortsOnlyTheOpenTransaction() throws Exception {
        ExactlyOnceS3Sink<String> sink = sink();
        SinkWriter<String> writer = sink.createWriter(context(0, List.of()));
        writer.write("pending");
        byte[] state = writer.snapshotState(1);
        writer.write("open");
        writer.close();
        assertThat(CommittedObjects.openUploads(reader)).hasSize(1);
        sink.createWriter(context(1, List.of(state))).close();
        assertThat(CommittedObjects.lines(reader)).containsExactly("pending");
        assertThat(CommittedObjects.openUploads(reader)).isEmpty();
    }

    @Test
    void outputLargerThanAPartFlowsAsSeveralParts() throws Exception {
        // S3Proxy, like S3, rejects non-last parts under 5 MiB, so this writes real 5 MiB parts.
        String line = "x".repeat(1023);
        int lines = 11 * 1024; // 11 MiB: two full parts and a 1 MiB last part
        SinkWriter<String> writer = sink().createWriter(context(0, List.of()));
        for (int i = 0; i < lines; i++) {
            writer.write(line);
        }
        byte[] state = writer.snapshotState(1);
        S3Upload upload = onlyTransaction(state).uploads().get(0);
        assertThat(upload.parts()).extracting(p -> p.partNumber()).containsExactly(1, 2, 3);
        assertThat(CommittedObjects.keys(reader)).isEmpty();
        writer.notifyCheckpointComplete(1);
        writer.close();
        assertThat(reader.get("part-0-chk1-a0-0")).hasSize(lines * 1024);
        assertThat(CommittedObjects.lines(reader)).hasSize(lines).containsOnly(line);
    }

    @Test
    void rollsToANewObjectAtTheMaxObjectSize() throws Exception {
        ExactlyOnceS3Sink<String> sink = sink().withMaxObjectSize(100);
        SinkWriter<String> writer = sink.createWriter(context(0, List.of()));
        List<String> input = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            input.add("line-" + i + "-" + "y".repeat(20)); // under 32 bytes: four lines per object
            writer.write(input.get(i));
        }
        writer.snapshotState(1);
        assertThat(CommittedObjects.keys(reader)).isEmpty();
        writer.notifyCheckpointComplete(1);
        writer.close();
        assertThat(CommittedObjects.keys(reader)).containsExactlyInAnyOrder(IntStream.range(0, 8)
                .mapToObj(seq -> "part-0-chk1-a0-" + seq).toArray(String[]::new));
        assertThat(CommittedObjects.lines(reader)).containsExactlyInAnyOrderElementsOf(input);
    }

    @Test
    void rollsToANewObjectForTheFirstRecordAfterTheRolloverInterval() throws Exception {
        AtomicLong clock = new AtomicLong();
        SinkTestHarness<String> harness = new SinkTestHarness<>(
                sink().withRolloverInterval(Duration.ofMinutes(1)).withClock(clock::get), 1, 0);
        harness.write(0, "a");
        clock.addAndGet(59_999);
        harness.write(0, "b");
        clock.addAndGet(1);
        harness.write(0, "c");
        harness.complete(harness.snapshot(), true);
        assertThat(CommittedObjects.keys(reader)).containsExactlyInAnyOrder("part-0-chk1-a0-0", "part-0-chk1-a0-1");
        assertThat(reader.get("part-0-chk1-a0-0")).asString(StandardCharsets.UTF_8).isEqualTo("a\nb\n");
        assertThat(reader.get("part-0-chk1-a0-1")).asString(StandardCharsets.UTF_8).isEqualTo("c\n");
    }

    @Test
    void keysNameTheSubtaskAndTheFirstCheckpointThatCanCommitTheObject() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink(), 2, 0);
        harness.write(0, "a");
        harness.complete(harness.snapshot(), true); // 1
        harness.write(0, "b");
        harness.notifyAborted(harness.snapshot()); // 2 fails: its object waits for the next completed checkpoint
        harness.write(0, "c");
        harness.complete(harness.snapshot(), true); // 3
        assertThat(CommittedObjects.keys(reader))
                .containsExactlyInAnyOrder("part-0-chk1-a0-0", "part-0-chk2-a0-1", "part-0-chk3-a0-2");

        harness.write(1, "x");
        harness.snapshot(); // 4 never completes; the crash loses it
        assertThat(CommittedObjects.openUploads(reader)).extracting(u -> u.key()).containsExactly("part-1-chk4-a0-0");
        harness.restore(2, false);
        // Restored from 3, the writer cannot know that 4 was taken: its first object names 4, and 5 commits it.
        harness.write(1, "x");
        long next = harness.snapshot();
        assertThat(next).isEqualTo(5);
        assertThat(CommittedObjects.openUploads(reader)).extracting(u -> u.key()).containsExactly("part-1-chk4-a1-0");
        harness.complete(next, true);
        assertThat(CommittedObjects.keys(reader)).contains("part-1-chk4-a1-0");
        assertThat(CommittedObjects.lines(reader)).containsExactlyInAnyOrder("a", "b", "c", "x");
        assertThat(CommittedObjects.openUploads(reader)).isEmpty();
    }

    @Test
    void badCredentialsFailNamingTheSinkAndBucketWithoutTheSecret() {
        String secret = "not-the-secret-" + System.nanoTime();
        S3Settings wrong = new S3Settings(template.endpoint(), BUCKET, template.region(), true,
                template.accessKey(), secret, "");
        ExactlyOnceS3Sink<String> sink = ExactlyOnceS3Sink.forUri(uri, wrong);
        assertThatThrownBy(() -> sink.createWriter(context(0, List.of())))
                .hasMessageContaining("ExactlyOnceS3Sink")
                .hasMessageContaining("s3://" + BUCKET + "/")
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(secret)
                                .doesNotContain(server.secretKey());
                    }
                });
        assertThat(sink.toString()).doesNotContain(secret);
    }

    /** A bucket that does not exist or wrong credentials fail the job at once: no restart heals them. */
    @Test
    void aMissingBucketOrWrongCredentialsAreUnrecoverable() {
        ExactlyOnceS3Sink<String> noBucket = ExactlyOnceS3Sink.forUri("s3://no-such-bucket/out", template);
        ExactlyOnceS3Sink<String> wrongKey = ExactlyOnceS3Sink.forUri(uri, new S3Settings(template.endpoint(), BUCKET,
                template.region(), true, template.accessKey(), "not-the-secret", ""));
        for (ExactlyOnceS3Sink<String> sink : List.of(noBucket, wrongKey)) {
            assertThatThrownBy(() -> sink.createWriter(context(0, List.of())))
                    .isInstanceOfSatisfying(UnrecoverableJobException.class,
                            e -> assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION))
                    .hasMessageContaining(sink.location());
        }
        assertThatThrownBy(() -> ExactlyOnceS3Sink.forUri("s3://Bad_Bucket/out", template))
                .hasMessageContaining("S3 sink URI 's3://Bad_Bucket/out': invalid S3 bucket name 'Bad_Bucket'");
    }

    private static SinkContext context(long attempt, List<byte[]> previousStates) {
        return new SinkContext("test", 0, 1, attempt, new OperatorStateRestore(0, 1, previousStates));
    }

    /** Reads the single pending transaction out of a writer state (format of TwoPhaseCommitSinkWriter). */
    private static S3Transaction onlyTransaction(byte[] state) throws Exception {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        assertThat(in.readInt()).isEqualTo(1);
        in.readLong();
        assertThat(in.readInt()).isEqualTo(1);
        return S3Transaction.SERIALIZER.deserialize(in);
    }
}
