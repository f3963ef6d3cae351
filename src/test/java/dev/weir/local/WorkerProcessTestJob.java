package dev.weir.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/**
 * {@code ChaosKeyedCountJob} on worker processes (small heaps) under a job master that runs in
 * the background, with checkpoints every 150 to 200 ms below {@code dir/checkpoints} and the
 * workers' logs below {@code dir/logs}: how the plane tests start a job they then attack.
 */
final class WorkerProcessTestJob {

    private WorkerProcessTestJob() {
    }

    /** Starts the job through {@code server}; the future completes with the job's end. */
    static CompletableFuture<JobResult> start(String name, int parallelism, Map<String, String> args, Path dir,
                                              CoordinatorServer server, long intervalMs,
                                              RestartStrategy.Settings restarts, JobMasterListener listener)
            throws IOException {
        String base = "weir/test/" + name;
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), base);
        InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification(name,
                "dev.weir.testing.ChaosKeyedCountJob", new JobArgs(args), parallelism, 128, CheckpointingMode.EXACTLY_ONCE);
        WorkerProcessDeployer deployer = new WorkerProcessDeployer(job,
                new WorkerStorage(dir.resolve("checkpoints").toString(), base, null), server,
                WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                        .withJavaOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")),
                new JobMetrics());
        JobMaster master = new JobMaster(new JobMaster.Settings(name, parallelism, 128,
                new CheckpointConfig(intervalMs, 20_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 5), restarts),
                storage, deployer, Clock.system(), listener);
        return CompletableFuture.supplyAsync(() -> {
            try (CheckpointStorage closing = storage) {
                return master.run(null);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The address {@code pattern} (groups: host, port) finds in a worker's log, once it is there. */
    static InetSocketAddress awaitLogged(Path log, Pattern pattern, CompletableFuture<?> result)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && !result.isDone()) {
            if (Files.exists(log)) {
                Matcher matcher = pattern.matcher(Files.readString(log));
                if (matcher.find()) {
                    return new InetSocketAddress(matcher.group(1), Integer.parseInt(matcher.group(2)));
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError(log + " never logged " + pattern + (result.isDone() ? " (the job ended)" : ""));
    }
}
