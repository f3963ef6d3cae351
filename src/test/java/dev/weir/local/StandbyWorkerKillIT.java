package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.JobCounters;
import dev.weir.testing.KeyedCountVerifier;

/**
 * Worker processes with two standby workers: a SIGKILLed worker's attempt restarts on the spares
 * that were waiting before the kill (no new JVM), which run exactly as started workers do, and
 * keyed-count's committed output, read independently, is exactly-once. The spares used are
 * replaced, and closing the deployer stops the spares left.
 */
class StandbyWorkerKillIT {

    private static final long RECORDS = 200_000;
    private static final long KEYS = 400;

    @TempDir
    Path dir;

    @Test
    void sigkilledWorkerIsReplacedBySparesStartedBeforeTheKillWithExactlyOnceOutput() throws Exception {
        Path output = dir.resolve("out");
        Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                "rate", "20000", "output", output.toString());
        InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("spared",
                "dev.weir.testing.ChaosKeyedCountJob", new JobArgs(args), 2, 128, CheckpointingMode.EXACTLY_ONCE);
        JobCounters counters = new JobCounters();
        List<Long> spares;
        List<ProcessHandle> secondAttempt;
        List<ProcessHandle> sparesLeft;
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")),
                     "weir/test/spared");
             WorkerProcessDeployer deployer = new WorkerProcessDeployer(job,
                     new WorkerStorage(dir.resolve("checkpoints").toString(), "weir/test/spared", null), server,
                     WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                             .withJavaOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                             .withStandbyWorkers(2),
                     new JobMetrics())) {
            JobMaster master = new JobMaster(new JobMaster.Settings("spared", 2, 128,
                    new CheckpointConfig(150, 20_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 5),
                    new RestartStrategy.Settings(50, 500, 2.0, 5, 600_000)),
                    storage, deployer, Clock.system(), counters);
            CompletableFuture<JobResult> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return master.run(null);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await("two checkpoints and two spares", () -> counters.completed.get() >= 2
                    && deployer.standbyWorkers().size() == 2, result);
            assertThat(deployer.currentWorkers()).as("attempt 1 started its own processes")
                    .extracting(ProcessHandle::pid).doesNotContainAnyElementsOf(
                            deployer.standbyWorkers().stream().map(ProcessHandle::pid).toList());
            spares = deployer.standbyWorkers().stream().map(ProcessHandle::pid).toList();

            List<ProcessHandle> firstAttempt = deployer.currentWorkers();
            firstAttempt.get(1).destroyForcibly();
            await("attempt 2", () -> !deployer.currentWorkers().equals(firstAttempt), result);
            secondAttempt = deployer.currentWorkers();
            // Replaced once attempt 2's workers registered.
            await("spares again", () -> deployer.standbyWorkers().size() == 2, result);
            sparesLeft = deployer.standbyWorkers();

            JobResult end = result.get(180, TimeUnit.SECONDS);
            assertThat(end.state()).as("%s", end.failure()).isEqualTo(JobResult.JobState.FINISHED);
            assertThat(end.restarts()).isEqualTo(1);
        }
        assertThat(secondAttempt).as("attempt 2 ran on the spares that waited before the kill")
                .extracting(ProcessHandle::pid).containsExactlyInAnyOrderElementsOf(spares);
        assertThat(sparesLeft).extracting(ProcessHandle::pid).doesNotContainAnyElementsOf(spares);
        for (ProcessHandle spare : sparesLeft) {
            assertThat(spare.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("a spare outlives its deployer").isFalse();
        }
        for (int worker = 0; worker < 2; worker++) {
            Path log = dir.resolve("logs/attempt-2/worker-" + worker + ".log");
            assertThat(Files.isSymbolicLink(log)).as("%s leads to the spare's log", log).isTrue();
            assertThat(Files.readString(log)).contains("assigned: worker " + worker + " of attempt 2")
                    .contains("after its assignment (a standby worker)");
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    private static void await(String what, BooleanSupplier condition, CompletableFuture<?> result)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertThat(result.isDone()).as("the job ended before %s", what).isFalse();
            assertThat(System.nanoTime()).as("%s within 120 s", what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
