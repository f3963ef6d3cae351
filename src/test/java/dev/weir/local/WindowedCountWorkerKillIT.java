package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.storage.CompletedCheckpointRef;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.WindowedCountVerifier;

/**
 * windowed-count in the deployed shape: worker processes exchanging timestamps and watermarks over
 * TCP. Workers are SIGKILLed mid-window (and one halts between "checkpoint complete" and its
 * commit), the run is stopped and its open windows are restored at another parallelism, again in
 * worker processes; the committed lines must be exactly the contract's, once each.
 */
class WindowedCountWorkerKillIT {

    private static final long RECORDS = 160_000;
    private static final long KEYS = 60;
    private static final long STEP_MS = 2;
    private static final long DISORDER_MS = 50;
    private static final long WINDOW_MS = 1_000;

    @TempDir
    Path dir;

    private WorkerProcessRun run(CoordinatorServer server, int parallelism, long ratePerSubtask, String name)
            throws Exception {
        Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                "stepMs", Long.toString(STEP_MS), "disorderMs", Long.toString(DISORDER_MS),
                "windowMs", Long.toString(WINDOW_MS), "rate", Long.toString(ratePerSubtask),
                "output", dir.resolve("out").toString(),
                // worker 1 halts (no cleanup, like a SIGKILL) in attempt 2 right after "complete" of a checkpoint
                "haltBeforeCommitWorker", "1", "haltBeforeCommitAttempt", "2");
        return new WorkerProcessRun(server, dir, "logs-" + name, new InProcessDeployer.JobSpecification("windows",
                "dev.weir.testing.ChaosWindowedCountJob", new JobArgs(args), parallelism, 128,
                CheckpointingMode.EXACTLY_ONCE), WorkerProcessRun.CHECKPOINTS);
    }

    @Test
    void sigkilledWorkersMidWindowAndARescaledRestoreCommitEveryWindowOnce() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessRun first = run(server, 2, 8_000, "p2");
            CompletableFuture<JobResult> result = first.start(null);
            // 1. before the first checkpoint of attempt 1
            first.awaitWorkers(1);
            first.kill(random.nextInt(2));
            // attempt 2: the job's hook halts worker 1 between "checkpoint complete" and the commit
            first.awaitAttempt(3, result);
            // 2. a random worker at a random moment after some checkpoints completed
            first.awaitWorkers(3);
            first.awaitCheckpointsBeyond(first.counters.completed.get() + random.nextInt(3), result);
            Thread.sleep(random.nextInt(120));
            assertThat(result).as("seed %d: the job must still run", seed).isNotDone();
            first.kill(random.nextInt(2));
            first.awaitAttempt(4, result);
            // 3. stop it mid-stream, with windows open, after a checkpoint of attempt 4
            first.awaitWorkers(4);
            first.awaitCheckpointsBeyond(first.counters.completed.get() + 1, result);
            first.master.cancel();
            JobResult stopped = result.get(60, TimeUnit.SECONDS);
            assertThat(stopped.state()).as("seed %d: %s", seed, stopped.failure()).isEqualTo(JobResult.JobState.CANCELED);
            assertThat(stopped.restarts()).isEqualTo(3);
            assertThat(java.nio.file.Files.readString(dir.resolve("logs-p2/attempt-2/worker-1.log")))
                    .contains("halting worker before committing checkpoint");

            // 4. restore the open windows at parallelism 3, in worker processes, and run to the end
            CompletedCheckpointRef latest = first.storage.findLatestCompleted().orElseThrow();
            WorkerProcessRun second = run(server, 3, 0, "p3");
            JobResult end = second.start(new RestoreTarget(latest.location(), latest.metadata())).get(180, TimeUnit.SECONDS);
            assertThat(end.state()).as("seed %d: %s", seed, end.failure()).isEqualTo(JobResult.JobState.FINISHED);
        }
        WindowedCountVerifier.Report report = WindowedCountVerifier.verify(CommittedFiles.lines(dir.resolve("out")),
                RECORDS, KEYS, STEP_MS, DISORDER_MS, WINDOW_MS);
        assertThat(report.isExactlyOnce()).as("seed %d: %s", seed, report).isTrue();
    }
}
