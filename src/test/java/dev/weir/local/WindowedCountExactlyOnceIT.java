package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.CompletedCheckpointRef;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.Chaos;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.WindowedCountVerifier;

/**
 * windowed-count under failures, in one process: failures strike mid-window (on a record, and
 * between "checkpoint complete" and the sink's commit), and a run is stopped and restored at other
 * parallelisms; the committed lines must be exactly the contract's, once each.
 */
class WindowedCountExactlyOnceIT {

    private static final long RECORDS = 150_000;
    private static final long KEYS = 50;
    private static final long STEP_MS = 1;
    private static final long DISORDER_MS = 30;
    private static final long WINDOW_MS = 400;

    @TempDir
    Path dir;

    @AfterEach
    void disarm() {
        Chaos.reset();
    }

    private final class Run implements JobMasterListener {
        final AtomicLong completed = new AtomicLong();
        final AtomicLong attempts = new AtomicLong();
        final CheckpointStorage storage;
        final JobMaster master;
        final Path output = dir.resolve("out");

        Run(int parallelism, long ratePerSubtask) throws Exception {
            storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), "weir/default/windows");
            Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                    "stepMs", Long.toString(STEP_MS), "disorderMs", Long.toString(DISORDER_MS),
                    "windowMs", Long.toString(WINDOW_MS), "rate", Long.toString(ratePerSubtask),
                    "output", output.toString());
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("windows",
                    "dev.weir.testing.ChaosWindowedCountJob", new JobArgs(args), parallelism, 128,
                    CheckpointingMode.EXACTLY_ONCE);
            master = new JobMaster(new JobMaster.Settings("windows", parallelism, 128,
                    new CheckpointConfig(100, 10_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3),
                    new RestartStrategy.Settings(20, 200, 2.0, 50, 600_000)),
                    storage, new InProcessDeployer(job, storage, new JobMetrics()), Clock.system(), this);
        }

        @Override
        public void onAttemptStarted(long attempt, String restoredFrom) {
            attempts.set(attempt);
        }

        @Override
        public void onCheckpointCompleted(CompletedCheckpointStats stats) {
            completed.incrementAndGet();
        }

        CompletableFuture<JobResult> start(RestoreTarget restore) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return master.run(restore);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        void awaitCheckpointsBeyond(long count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (completed.get() <= count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    private static WindowedCountVerifier.Report verify(Path output) throws Exception {
        return WindowedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS, STEP_MS, DISORDER_MS, WINDOW_MS);
    }

    @Test
    void failuresMidWindowAndBeforeTheCommitLoseAndDuplicateNoWindow() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Run run = new Run(2, 20_000);
        CompletableFuture<JobResult> result = run.start(null);
        int injected = 0;
        for (int i = 0; i < 4 && !result.isDone(); i++) {
            run.awaitCheckpointsBeyond(run.completed.get());
            Thread.sleep(random.nextInt(150));
            Chaos.arm(i % 2 == 0 ? Chaos.Point.RECORD : Chaos.Point.BEFORE_COMMIT);
            long attempt = run.attempts.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Chaos.isArmed() && !result.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            if (!Chaos.isArmed()) {
                injected++;
                while (run.attempts.get() == attempt && !result.isDone()) {
                    Thread.sleep(2);
                }
            }
            Chaos.reset();
        }
        JobResult end = result.get(120, TimeUnit.SECONDS);
        assertThat(end.state()).as("seed %d", seed).isEqualTo(JobResult.JobState.FINISHED);
        assertThat(injected).as("failures injected (seed %d)", seed).isGreaterThanOrEqualTo(2);
        assertThat(end.restarts()).isEqualTo(injected);
        WindowedCountVerifier.Report report = verify(run.output);
        assertThat(report.isExactlyOnce()).as("seed %d: %s", seed, report).isTrue();
    }

    @Test
    void openWindowsAreRestoredAtAnotherParallelism() throws Exception {
        Run first = new Run(2, 15_000);
        CompletableFuture<JobResult> running = first.start(null);
        first.awaitCheckpointsBeyond(3);
        first.master.cancel();
        assertThat(running.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.CANCELED);
        assertThat(verify(first.output).lines()).as("the first run must have stopped mid-stream")
                .isPositive().isLessThan(verify(first.output).expectedLines());

        for (int parallelism : new int[] {3, 1}) {
            CompletedCheckpointRef latest = first.storage.findLatestCompleted().orElseThrow();
            Run next = new Run(parallelism, parallelism == 3 ? 10_000 : 0);
            CompletableFuture<JobResult> resumed = next.start(new RestoreTarget(latest.location(), latest.metadata()));
            if (parallelism == 3) {
                next.awaitCheckpointsBeyond(2);
                next.master.cancel();
                assertThat(resumed.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.CANCELED);
            } else {
                assertThat(resumed.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.FINISHED);
            }
        }
        WindowedCountVerifier.Report report = verify(first.output);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
    }
}
