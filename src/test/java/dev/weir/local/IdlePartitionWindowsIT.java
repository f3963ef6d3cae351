package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.examples.WindowedCountJob;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.IdlePartitionWindowsJob;
import dev.weir.testing.KafkaTopics;
import dev.weir.testing.WindowedCountVerifier;

/**
 * Idleness in the deployed shape (two worker processes, the coordinator here): event-time windows
 * over an unbounded two-partition topic whose second partition stops getting records after the
 * first part. Its subtask holds the watermark back until the partition has been idle for
 * {@code idleMs}; then the windows fire on the other partition's watermark alone, while the job
 * runs. A worker is SIGKILLed while the first part is read and another once the second part is
 * in; the third part comes after that restore (watermarks are not checkpointed: restored windows
 * fire once records move the watermark again). The job is canceled once the committed output holds
 * every window the watermark can have passed, and an independent reader compares it with
 * windowed-count's lines for those windows: each once, none missing, no other. Without idleness
 * no window after the first part would fire.
 */
class IdlePartitionWindowsIT {

    private static final int PARALLELISM = 2;
    /** Round robin over both partitions. */
    private static final long FIRST_PART = 20_000;
    /** The second part, up to here, goes to partition 0 only, as does the third. */
    private static final long SECOND_PART_END = 40_000;
    private static final long RECORDS = 50_000;
    private static final long KEYS = 10;
    private static final long WINDOW_MS = 500;
    private static final long DISORDER_MS = 5;

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.shared();
    }

    @Test
    void windowsFireOnTheActivePartitionsWatermarkAcrossKillsAndCommitExactlyOnce() throws Exception {
        String topic = "idle-windows-" + System.nanoTime();
        kafka.createTopic(topic, 2);
        KafkaTopics.produceDecimals(kafka.bootstrapServers(), topic, 0, FIRST_PART, -1);
        Map<String, String> args = new HashMap<>(Map.of("input", "kafka://" + kafka.bootstrapServers() + "/" + topic,
                "keys", Long.toString(KEYS), "windowMs", Long.toString(WINDOW_MS),
                "disorderMs", Long.toString(DISORDER_MS), "idleMs", "3000", "output", dir.resolve("out").toString()));
        WindowedCountJob.Settings settings = IdlePartitionWindowsJob.settings(new JobArgs(args));
        List<String> expected = firedWindows(settings);
        long seed = System.nanoTime();
        Random random = new Random(seed);

        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessRun run = run(server, args);
            CompletableFuture<JobResult> result = run.start(null);
            run.awaitWorkers(1);
            run.awaitCheckpointsBeyond(0, result);
            run.kill(random.nextInt(PARALLELISM));
            run.awaitWorkers(2);
            KafkaTopics.produceDecimals(kafka.bootstrapServers(), topic, FIRST_PART, SECOND_PART_END, 0);
            run.awaitCheckpointsBeyond(run.counters.completed.get() + random.nextInt(3), result);
            Thread.sleep(random.nextInt(200));
            run.kill(random.nextInt(PARALLELISM));
            run.awaitWorkers(3);
            KafkaTopics.produceDecimals(kafka.bootstrapServers(), topic, SECOND_PART_END, RECORDS, 0);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (CommittedFiles.lines(dir.resolve("out")).size() < expected.size() && !result.isDone()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(result).as("seed %d: the job must still run (its source has no end)", seed).isNotDone();
            run.master.cancel();
            JobResult end = result.get(60, TimeUnit.SECONDS);
            assertThat(end.state()).as("seed %d: %s", seed, end.failure()).isEqualTo(JobResult.JobState.CANCELED);
            assertThat(end.restarts()).as("seed %d", seed).isEqualTo(2);
        }
        assertThat(sorted(CommittedFiles.lines(dir.resolve("out")))).as("seed %d", seed).isEqualTo(sorted(expected));
    }

    /**
     * windowed-count's lines for the windows the watermark passes: partition 0's, the last records'
     * partition (partition 1 is idle by then), is its greatest event time less the disorder, less 1.
     * The windows after it never fire: the topic has no end.
     */
    private static List<String> firedWindows(WindowedCountJob.Settings settings) {
        long maxTimestamp = Long.MIN_VALUE;
        for (long i = 0; i < RECORDS; i++) {
            if (i >= FIRST_PART || i % 2 == 0) {
                maxTimestamp = Math.max(maxTimestamp, settings.eventTime(i));
            }
        }
        long watermark = maxTimestamp - DISORDER_MS - 1;
        return WindowedCountVerifier.expectedLines(RECORDS, KEYS, 1, DISORDER_MS, WINDOW_MS).stream()
                .filter(line -> Long.parseLong(line.split(",")[1]) + WINDOW_MS - 1 <= watermark)
                .toList();
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        Collections.sort(copy);
        return copy;
    }

    /** One job run: two worker processes, the job master and its coordinator endpoint in this JVM. */
    private WorkerProcessRun run(CoordinatorServer server, Map<String, String> args) throws Exception {
        return new WorkerProcessRun(server, dir, "logs", new InProcessDeployer.JobSpecification("idle-windows",
                IdlePartitionWindowsJob.class.getName(), new JobArgs(args), PARALLELISM, 128,
                CheckpointingMode.EXACTLY_ONCE), WorkerProcessRun.CHECKPOINTS);
    }
}
