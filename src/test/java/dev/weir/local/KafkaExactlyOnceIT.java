package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.GatedSource;
import dev.weir.testing.JobCounters;
import dev.weir.testing.KafkaTopics;
import dev.weir.testing.KeyedCountVerifier;

/**
 * keyed-count into a Kafka topic in the deployed shape (2 worker processes, the coordinator
 * here), SIGKILLing workers at random moments and once right between "checkpoint complete" and
 * the commit; a read_committed consumer that knows nothing of Weir then reads the whole topic.
 * The at-least-once sink under a kill placed to matter is the negative control.
 */
class KafkaExactlyOnceIT {

    private static final int PARALLELISM = 2;
    private static final long KEYS = 300;

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.shared();
    }

    @Test
    void generatorToExactlyOnceKafkaSinkSurvivesSigkills() throws Exception {
        long records = 120_000;
        String output = topic("eo-out", 3);
        Map<String, String> args = jobArgs(records, "kafka://" + kafka.bootstrapServers() + "/" + output);
        args.put("rate", "15000");
        killRepeatedlyAndVerify(args, records, output);
    }

    @Test
    void kafkaInputToExactlyOnceKafkaSinkSurvivesSigkills() throws Exception {
        long records = 60_000;
        String input = topic("eo-in", 3);
        KafkaTopics.produceDecimals(kafka.bootstrapServers(), input, records);
        String output = topic("eo-in-out", 2);
        Map<String, String> args = jobArgs(records, "kafka://" + kafka.bootstrapServers() + "/" + output);
        args.put("input", "kafka://" + kafka.bootstrapServers() + "/" + input);
        args.put("rate", "12000"); // per subtask, applied in the keyed function
        killRepeatedlyAndVerify(args, records, output);
    }

    @Test
    void atLeastOnceKafkaSinkUnderAKillAfterAFlushShowsDuplicates() throws Exception {
        long records = 100_000;
        String output = topic("alo-out", 3);
        Map<String, String> args = jobArgs(records,
                "kafka://" + kafka.bootstrapServers() + "/" + output + "?guarantee=at-least-once");
        args.put("rate", "10000");
        // The job cannot end before the kill: each generator subtask holds after 45,000 of its 50,000
        // records until the gate opens (on a busy machine the job once ended before a kill fitted in).
        Path gate = dir.resolve("gate");
        args.put("gate", gate.toString());
        args.put("holdAfter", "45000");
        // Checkpoints 1 s apart leave a wide window between a completed checkpoint and the next.
        Run run = new Run(args, 1000);
        CompletableFuture<JobResult> result = run.start();
        boolean killed = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // the sources hold at most that long
        while (!killed && !result.isDone() && System.nanoTime() < deadline) {
            run.awaitWorkers(1);
            long checkpoint = run.completed.get();
            run.awaitCheckpointsBeyond(checkpoint);
            long checkpointedEnd = KafkaTopics.endOffsetTotal(kafka.bootstrapServers(), output);
            // Records sent after that checkpoint's barrier are in the topic; the restore replays them.
            while (KafkaTopics.endOffsetTotal(kafka.bootstrapServers(), output) < checkpointedEnd + 500
                    && !result.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (run.completed.get() == checkpoint + 1 && !result.isDone()) {
                run.kill(0);
                killed = true;
            }
        }
        GatedSource.open(gate);
        JobResult end = result.get(120, TimeUnit.SECONDS);
        assertThat(end.state()).as("%s", end.failure()).isEqualTo(JobResult.JobState.FINISHED);
        assertThat(killed).as("killed while the job ran").isTrue();
        KeyedCountVerifier.Report report = verify(output, records);
        assertThat(report.duplicates()).as("the reader must see what an at-least-once sink replays: %s", report)
                .isPositive();
        assertThat(report.gaps()).as(report.toString()).isZero();
    }

    /**
     * Kills: a random worker before the first checkpoint; worker 1 of attempt 2 halts itself
     * between "checkpoint complete" and its commit; then two random workers at random moments.
     */
    private void killRepeatedlyAndVerify(Map<String, String> args, long records, String output) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        args.put("haltBeforeCommitWorker", "1");
        args.put("haltBeforeCommitAttempt", "2");
        Run run = new Run(args, 150);
        CompletableFuture<JobResult> result = run.start();
        run.awaitWorkers(1);
        Thread.sleep(random.nextInt(100));
        run.kill(random.nextInt(PARALLELISM));
        run.awaitAttempt(3, result);
        for (int i = 0; i < 2 && !result.isDone(); i++) {
            long attempt = run.attempts.get();
            run.awaitWorkers(attempt);
            run.awaitCheckpointsBeyond(run.completed.get() + random.nextInt(3));
            Thread.sleep(random.nextInt(150));
            if (!result.isDone()) {
                run.kill(random.nextInt(PARALLELISM));
                run.awaitAttempt(attempt + 1, result);
            }
        }
        JobResult end = result.get(120, TimeUnit.SECONDS);
        assertThat(end.state()).as("seed %d: %s", seed, end.failure()).isEqualTo(JobResult.JobState.FINISHED);
        assertThat(end.restarts()).as("seed %d", seed).isGreaterThanOrEqualTo(3);
        assertThat(Files.readString(dir.resolve("logs/attempt-2/worker-1.log")))
                .as("worker 1 of attempt 2 halted between checkpoint completion and its commit")
                .contains("halting worker before committing checkpoint");
        KeyedCountVerifier.Report report = verify(output, records);
        assertThat(report.isExactlyOnce()).as("seed %d: %s", seed, report).isTrue();
        assertThat(report.lines()).isEqualTo(records);
    }

    private static KeyedCountVerifier.Report verify(String topic, long records) {
        return KeyedCountVerifier.verify(KafkaTopics.readCommitted(kafka.bootstrapServers(), topic), records, KEYS);
    }

    private static Map<String, String> jobArgs(long records, String output) {
        Map<String, String> args = new HashMap<>();
        args.put("records", Long.toString(records));
        args.put("keys", Long.toString(KEYS));
        args.put("output", output);
        return args;
    }

    private static String topic(String name, int partitions) throws Exception {
        String topic = name + "-" + System.nanoTime();
        kafka.createTopic(topic, partitions);
        return topic;
    }

    /** One job run: P worker processes, the job master and its coordinator endpoint in this JVM. */
    private final class Run {
        final JobCounters counters = new JobCounters();
        final AtomicLong completed = counters.completed;
        final AtomicLong attempts = counters.attempts;
        final CoordinatorServer server;
        final WorkerProcessDeployer deployer;
        final JobMaster master;

        Run(Map<String, String> args, long checkpointIntervalMs) throws Exception {
            String name = "kafka-" + System.nanoTime();
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification(name,
                    "dev.weir.testing.ChaosKeyedCountJob", new JobArgs(args), PARALLELISM, 128,
                    CheckpointingMode.EXACTLY_ONCE);
            server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            deployer = new WorkerProcessDeployer(job, new WorkerStorage(dir.resolve("checkpoints").toString(),
                    "weir/test/" + name, null), server,
                    WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                            .withJavaOptions(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")),
                    new JobMetrics());
            CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")),
                    "weir/test/" + name);
            master = new JobMaster(new JobMaster.Settings(name, PARALLELISM, 128,
                    new CheckpointConfig(checkpointIntervalMs, 20_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 5),
                    new RestartStrategy.Settings(50, 500, 2.0, 20, 600_000)),
                    storage, deployer, Clock.system(), counters);
        }

        CompletableFuture<JobResult> start() {
            return CompletableFuture.supplyAsync(() -> {
                try (server) {
                    return master.run(null);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        void awaitWorkers(long attempt) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((attempts.get() < attempt || deployer.currentWorkers().size() < PARALLELISM
                    || deployer.currentWorkers().stream().anyMatch(p -> !p.isAlive())) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        void awaitAttempt(long attempt, CompletableFuture<?> result) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (attempts.get() < attempt && !result.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        void awaitCheckpointsBeyond(long count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (completed.get() <= count && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        }

        /** SIGKILL: the process gets no chance to clean up. */
        void kill(int worker) {
            deployer.currentWorkers().get(worker).destroyForcibly();
        }
    }
}
