package dev.weir.local;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.JobCounters;

/**
 * One run of a job in the deployed shape, for the chaos tests: its worker processes (small heaps,
 * C1 only, so several fit on two cores), the job master here with its endpoint on {@code server},
 * checkpoints into {@code <dir>/checkpoints}, each attempt's worker logs under {@code <dir>/<logs>}.
 * Runs of one test share the checkpoints, so a run restores from the one before it.
 */
final class WorkerProcessRun {

    static final List<String> WORKER_JAVA_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** Every 150 ms, exactly once, aligned. */
    static final CheckpointConfig CHECKPOINTS = new CheckpointConfig(150, 20_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 5);
    private static final RestartStrategy.Settings RESTARTS = new RestartStrategy.Settings(50, 500, 2.0, 20, 600_000);
    private static final long WAIT_SECONDS = 60;

    final JobCounters counters = new JobCounters();
    final CheckpointStorage storage;
    final WorkerProcessDeployer deployer;
    final JobMaster master;
    private final int parallelism;

    WorkerProcessRun(CoordinatorServer server, Path dir, String logs, InProcessDeployer.JobSpecification job,
                     CheckpointConfig checkpoints) throws Exception {
        String prefix = "weir/test/" + job.jobName();
        this.parallelism = job.parallelism();
        this.storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), prefix);
        this.deployer = new WorkerProcessDeployer(job, new WorkerStorage(dir.resolve("checkpoints").toString(), prefix, null),
                server, WorkerProcessDeployer.Settings.defaults(dir.resolve(logs)).withJavaOptions(WORKER_JAVA_OPTIONS),
                new JobMetrics());
        this.master = new JobMaster(new JobMaster.Settings(job.jobName(), job.parallelism(), job.maxParallelism(),
                checkpoints, RESTARTS), storage, deployer, Clock.system(), counters);
    }

    /** Runs the job (from {@code restore}, or from the start where it is null) on another thread. */
    CompletableFuture<JobResult> start(RestoreTarget restore) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return master.run(restore);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Until attempt {@code attempt} (or a later one) has all its worker processes alive, for at most a minute. */
    void awaitWorkers(long attempt) throws InterruptedException {
        long deadline = deadline();
        while ((counters.attempts.get() < attempt || deployer.currentWorkers().size() < parallelism
                || deployer.currentWorkers().stream().anyMatch(p -> !p.isAlive())) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Until attempt {@code attempt} began or the job ended, for at most a minute. */
    void awaitAttempt(long attempt, CompletableFuture<?> result) throws InterruptedException {
        long deadline = deadline();
        while (counters.attempts.get() < attempt && !result.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Until more than {@code count} checkpoints completed or the job ended, for at most a minute. */
    void awaitCheckpointsBeyond(long count, CompletableFuture<?> result) throws InterruptedException {
        long deadline = deadline();
        while (counters.completed.get() <= count && !result.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** SIGKILL: the process gets no chance to clean up. */
    void kill(int worker) {
        deployer.currentWorkers().get(worker).destroyForcibly();
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    }
}
