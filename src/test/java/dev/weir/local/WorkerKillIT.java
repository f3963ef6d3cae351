package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.JobCounters;
import dev.weir.testing.KeyedCountVerifier;

/**
 * The deployed shape: P worker processes exchanging records over TCP, the coordinator here.
 * SIGKILLs random workers at random moments, repeatedly — before the first checkpoint, while
 * checkpoints are aligning and uploading, and (through the job's own hook) right between
 * "checkpoint complete" and the sink's commit — then checks keyed-count's committed output with
 * an independent reader. Also with unaligned checkpoints under backpressure (a rate-limited sink
 * keeps every channel full), where the workers die holding in-flight records that checkpoints
 * persisted and restores replay.
 */
class WorkerKillIT {

    private static final long RECORDS = 240_000;
    private static final long KEYS = 400;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "parallelism {0}, unaligned {1}")
    @CsvSource({"2, false", "4, false", "2, true"})
    void sigkilledWorkersRecoverWithExactlyOnceOutput(int parallelism, boolean unaligned) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path output = dir.resolve("out");
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), "weir/test/killed");
        Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                "rate", Long.toString(40_000 / parallelism), "output", output.toString(),
                // unaligned: the sink takes a third of what the sources send, so the job runs back-pressured
                "sinkRate", Long.toString(unaligned ? 13_000 / parallelism : 0),
                // worker 1 halts (like a SIGKILL: no cleanup) in attempt 2 right after "complete" of a checkpoint
                "haltBeforeCommitWorker", "1", "haltBeforeCommitAttempt", "2");
        InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("killed",
                "dev.weir.testing.ChaosKeyedCountJob", new JobArgs(args), parallelism, 128, CheckpointingMode.EXACTLY_ONCE);
        JobCounters counters = new JobCounters(storage);
        AtomicLong completed = counters.completed;
        AtomicLong attempts = counters.attempts;
        CheckpointConfig checkpoints = new CheckpointConfig(150, 20_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 5);
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessDeployer deployer = new WorkerProcessDeployer(job,
                    new WorkerStorage(dir.resolve("checkpoints").toString(), "weir/test/killed", null), server,
                    WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                            .withJavaOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")),
                    new JobMetrics());
            JobMaster master = new JobMaster(new JobMaster.Settings("killed", parallelism, 128,
                    unaligned ? checkpoints.withUnaligned(0) : checkpoints,
                    new RestartStrategy.Settings(50, 500, 2.0, 20, 600_000)),
                    storage, deployer, Clock.system(), counters);
            CompletableFuture<JobResult> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return master.run(null);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            // 1. before the first checkpoint of attempt 1
            awaitWorkers(deployer, parallelism, 1, attempts);
            kill(deployer, random.nextInt(parallelism));
            // attempt 2: the job's hook halts worker 1 between "checkpoint complete" and the commit
            awaitAttempt(attempts, 3, result);
            // 2.-4. random workers at random moments after some checkpoints completed
            int randomKills = 0;
            for (int i = 0; i < 3 && !result.isDone(); i++) {
                long attempt = attempts.get();
                awaitWorkers(deployer, parallelism, attempt, attempts);
                long target = completed.get() + 1 + random.nextInt(3);
                while (completed.get() < target && !result.isDone()) {
                    Thread.sleep(2);
                }
                Thread.sleep(random.nextInt(120));
                if (!result.isDone()) {
                    kill(deployer, random.nextInt(parallelism));
                    awaitAttempt(attempts, attempt + 1, result);
                    if (attempts.get() > attempt) {
                        randomKills++; // a kill as the job finished (its last commit done) leaves nothing to restart
                    }
                }
            }
            JobResult end = result.get(180, TimeUnit.SECONDS);
            assertThat(end.state()).as("seed %d: %s", seed, end.failure()).isEqualTo(JobResult.JobState.FINISHED);
            // the first kill, the halt before a commit, and every random kill that was followed by a new attempt
            assertThat(randomKills).as("seed %d: random kills before the job ended", seed).isPositive();
            assertThat(end.restarts()).as("seed %d", seed).isEqualTo(2 + randomKills);
        }
        if (unaligned) {
            assertThat(counters.withChannelState.get()).as("checkpoints that persisted in-flight records")
                    .isPositive();
        }
        assertThat(java.nio.file.Files.readString(dir.resolve("logs/attempt-2/worker-1.log")))
                .as("worker 1 of attempt 2 halted between checkpoint completion and its commit")
                .contains("halting worker before committing checkpoint");
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as("seed %d: %s", seed, report).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    /**
     * A heartbeat timeout of a minute, as a job given room for long GC pauses has: a SIGKILLed
     * worker is still lost within seconds (its process ends, its peer's connection to it resets),
     * and since the job had completed checkpoints it restarts at once.
     */
    @org.junit.jupiter.api.Test
    void sigkilledWorkerFailsOverWithinSecondsThoughItsSilenceWouldTakeAMinute() throws Exception {
        Duration silence = Duration.ofSeconds(60);
        try (KeyedCountRun run = new KeyedCountRun("patient", WorkerProcessDeployer.Settings.defaults(dir.resolve("patient-logs"))
                .withJavaOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .withHeartbeats(Duration.ofSeconds(1), silence))) {
            run.awaitCheckpoints(2);
            long killed = System.nanoTime();
            kill(run.deployer, 1);
            JobResult end = run.result.get(120, TimeUnit.SECONDS);
            assertThat(end.state()).isEqualTo(JobResult.JobState.FINISHED);
            assertThat(end.restarts()).isEqualTo(1);
            assertThat(run.counters.firstRestartCause.get()).startsWith("WorkerLost: worker 1 ");
            assertThat(Duration.ofNanos(run.counters.firstRestartNanos.get() - killed)).as("kill to restart decision")
                    .isLessThan(silence.dividedBy(2));
            assertThat(run.counters.firstRestartDelayMs.get()).as("no backoff after progress").isZero();
        }
        assertExactlyOnce(dir.resolve("patient-out"));
    }

    /** SIGSTOP: the process stays alive but sends nothing; only its silence gives it away, after the (short) timeout. */
    @org.junit.jupiter.api.Test
    void frozenWorkerIsDetectedByMissingHeartbeatsAndReplaced() throws Exception {
        try (KeyedCountRun run = new KeyedCountRun("frozen", WorkerProcessDeployer.Settings.defaults(dir.resolve("frozen-logs"))
                .withJavaOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .withHeartbeats(Duration.ofMillis(200), Duration.ofSeconds(2)))) {
            run.awaitCheckpoints(2);
            long pid = run.deployer.currentWorkers().get(0).pid();
            // Started with the same JVM options as the operator's pods, on the worker's own class path.
            String commandLine = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "cmdline"));
            assertThat(List.of(commandLine.split("\0"))).containsSubsequence(dev.weir.runtime.worker.WorkerJvm.COMPILER_OPTIONS)
                    .containsSubsequence("-cp", WorkerClassPath.forThisInstallation().asArgument(),
                            "dev.weir.runtime.worker.WorkerMain");
            assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor()).isZero();
            JobResult end = run.result.get(120, TimeUnit.SECONDS);
            assertThat(end.state()).isEqualTo(JobResult.JobState.FINISHED);
            assertThat(end.restarts()).isEqualTo(1);
            assertThat(run.counters.firstRestartCause.get()).startsWith("HeartbeatTimeout: worker 0 sent no heartbeat");
        }
        assertExactlyOnce(dir.resolve("frozen-out"));
    }

    private static void assertExactlyOnce(Path output) throws Exception {
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    /** keyed-count on two worker processes under a job master, writing to {@code <name>-out}, started in the background. */
    private final class KeyedCountRun implements AutoCloseable {
        final JobCounters counters = new JobCounters();
        final CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final WorkerProcessDeployer deployer;
        final CompletableFuture<JobResult> result;

        KeyedCountRun(String name, WorkerProcessDeployer.Settings settings) throws Exception {
            Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                    "rate", "30000", "output", dir.resolve(name + "-out").toString());
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification(name,
                    "dev.weir.testing.ChaosKeyedCountJob", new JobArgs(args), 2, 128, CheckpointingMode.EXACTLY_ONCE);
            CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve(name)), "weir/test/" + name);
            deployer = new WorkerProcessDeployer(job, new WorkerStorage(dir.resolve(name).toString(), "weir/test/" + name,
                    null), server, settings, new JobMetrics());
            JobMaster master = new JobMaster(new JobMaster.Settings(name, 2, 128,
                    new CheckpointConfig(150, 20_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 5),
                    new RestartStrategy.Settings(50, 500, 2.0, 5, 600_000)),
                    storage, deployer, Clock.system(), counters);
            result = CompletableFuture.supplyAsync(() -> {
                try {
                    return master.run(null);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitWorkers(deployer, 2, 1, counters.attempts);
        }

        void awaitCheckpoints(long count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (counters.completed.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(counters.completed.get()).as("checkpoints completed").isGreaterThanOrEqualTo(count);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private static void awaitWorkers(WorkerProcessDeployer deployer, int parallelism, long attempt, AtomicLong attempts)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((attempts.get() < attempt || deployer.currentWorkers().size() < parallelism
                || deployer.currentWorkers().stream().anyMatch(p -> !p.isAlive())) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static void awaitAttempt(AtomicLong attempts, long attempt, CompletableFuture<?> result)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (attempts.get() < attempt && !result.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** SIGKILL: the process gets no chance to clean up. */
    private static void kill(WorkerProcessDeployer deployer, int worker) {
        deployer.currentWorkers().get(worker).destroyForcibly();
    }
}
