package dev.weir.examples.nexmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.local.InProcessDeployer;
import dev.weir.local.WorkerProcessDeployer;
import dev.weir.local.WorkerStorage;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.BackgroundJob;
import dev.weir.testing.JobCounters;

/**
 * A Nexmark query on two worker processes, SIGKILLed twice at random moments after checkpoints
 * completed: the restored run commits the same rows and digest as an undisturbed one, so the
 * source's position, the join's keyed state and the sink's partial digest are exactly once.
 */
class NexmarkKillIT {

    private static final long EVENTS = 200_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"q3", "q1", "q11"})
    void digestIsUnchangedAfterWorkersAreKilled(String query) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path output = dir.resolve("digest");
        String base = "weir/test/nexmark-killed";
        // 15,000 events/s per subtask: the run takes about 7 s, long enough to strike it twice.
        Map<String, String> args = Map.of("query", query, "events", Long.toString(EVENTS), "throttle", "15000",
                "output", output.toString());
        InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("nexmark-killed",
                NexmarkJob.class.getName(), new JobArgs(args), 2, 128, CheckpointingMode.EXACTLY_ONCE);
        JobCounters counters = new JobCounters();
        int kills = 0;
        try (CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), base);
             CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessDeployer deployer = new WorkerProcessDeployer(job,
                    new WorkerStorage(dir.resolve("checkpoints").toString(), base, null), server,
                    WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                            .withJavaOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")),
                    new JobMetrics());
            CompletableFuture<JobResult> result = BackgroundJob.run(new JobMaster(new JobMaster.Settings(
                    "nexmark-killed", 2, 128, new CheckpointConfig(200, 20_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 5),
                    new RestartStrategy.Settings(50, 500, 2.0, 10, 600_000)),
                    storage, deployer, Clock.system(), counters));
            for (int i = 0; i < 2 && !result.isDone(); i++) {
                long attempt = counters.attempts.get();
                long target = counters.completed.get() + 2 + random.nextInt(3);
                while (counters.completed.get() < target && !result.isDone()) {
                    Thread.sleep(2);
                }
                Thread.sleep(random.nextInt(150));
                if (!result.isDone() && deployer.currentWorkers().size() == 2) {
                    deployer.currentWorkers().get(random.nextInt(2)).destroyForcibly();
                    kills++;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (counters.attempts.get() <= attempt && !result.isDone() && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                }
            }
            JobResult end = result.get(180, TimeUnit.SECONDS);
            assertThat(end.state()).as("seed %d: %s", seed, end.failure()).isEqualTo(JobResult.JobState.FINISHED);
            assertThat(kills).as("seed %d: kills that hit the running job", seed).isPositive();
            assertThat(end.restarts()).as("seed %d", seed).isEqualTo(kills);
        }
        DigestResult digest = DigestResult.read(output).orElseThrow();
        assertThat(digest.complete()).isTrue();
        assertThat(new NexmarkReference.Expected(digest.rows(), digest.digest()))
                .as("seed %d", seed).isEqualTo(NexmarkReference.compute(query, EVENTS));
    }
}
