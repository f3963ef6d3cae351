package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
import dev.weir.testing.CommittedOutput;
import dev.weir.testing.CommittedPartNames;
import dev.weir.testing.JobCounters;
import dev.weir.testing.KeyedCountVerifier;
import dev.weir.testing.WindowedCountVerifier;

/**
 * Exactly-once under failures, in one process: failures strike at random moments after a
 * checkpoint completed, including between "checkpoint complete" and the sink's commit; every
 * restart restores from the latest completed checkpoint; an independent reader then checks the
 * committed output for duplicates and gaps. The same failures with unaligned checkpoints under
 * backpressure (a rate-limited sink): restores replay the in-flight records the checkpoints held.
 * The same for windowed-count, with failures mid-window and open windows restored at other
 * parallelisms.
 */
class ExactlyOnceRecoveryIT {

    private static final long RECORDS = 300_000;
    private static final long KEYS = 300;

    @TempDir
    Path dir;

    @AfterEach
    void disarm() {
        Chaos.reset();
    }

    private static final CheckpointConfig CHECKPOINTS =
            new CheckpointConfig(100, 10_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3);

    private final class Run implements JobMasterListener {
        final AtomicLong completed = new AtomicLong();
        final AtomicLong withChannelState = new AtomicLong();
        final AtomicLong attempts = new AtomicLong();
        final CommittedPartNames names = new CommittedPartNames();
        final CheckpointStorage storage;
        final JobMaster master;
        final Path output = dir.resolve("out");

        Run(int parallelism, long ratePerSubtask) throws Exception {
            this(parallelism, ratePerSubtask, "exactly-once");
        }

        Run(int parallelism, long ratePerSubtask, String sink) throws Exception {
            this(parallelism, ratePerSubtask, sink, 0, CHECKPOINTS);
        }

        /** @param sinkRate records/s per subtask the sink takes (0: unlimited) */
        Run(int parallelism, long ratePerSubtask, String sink, long sinkRate, CheckpointConfig checkpoints)
                throws Exception {
            this("dev.weir.testing.ChaosKeyedCountJob", parallelism, Map.of("records", Long.toString(RECORDS),
                    "keys", Long.toString(KEYS), "rate", Long.toString(ratePerSubtask), "sink", sink,
                    "sinkRate", Long.toString(sinkRate)), checkpoints);
        }

        /** Any job with an {@code output} directory: {@code args} plus the output. */
        Run(String jobClass, int parallelism, Map<String, String> args) throws Exception {
            this(jobClass, parallelism, args, CHECKPOINTS);
        }

        Run(String jobClass, int parallelism, Map<String, String> args, CheckpointConfig checkpoints) throws Exception {
            storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), "weir/default/chaos");
            Map<String, String> withOutput = new java.util.HashMap<>(args);
            withOutput.put("output", output.toString());
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("chaos",
                    jobClass, new JobArgs(withOutput), parallelism, 128, CheckpointingMode.EXACTLY_ONCE);
            master = new JobMaster(new JobMaster.Settings("chaos", parallelism, 128, checkpoints,
                    new RestartStrategy.Settings(20, 200, 2.0, 50, 600_000)),
                    storage, new InProcessDeployer(job, storage, new JobMetrics()), Clock.system(), this);
        }

        @Override
        public void onAttemptStarted(long attempt, String restoredFrom) {
            names.attemptStarted(attempt, restoredFrom);
            attempts.set(attempt);
        }

        @Override
        public void onCheckpointCompleted(CompletedCheckpointStats stats) {
            if (JobCounters.carriesInFlightRecords(storage, stats)) {
                withChannelState.incrementAndGet();
            }
            names.checkpointCompleted(stats.checkpointId());
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

    @Test
    void randomFailuresIncludingBetweenCheckpointCompleteAndCommitLoseAndDuplicateNothing() throws Exception {
        strikeAtRandomAndVerify(new Run(2, 40_000));
    }

    @Test
    void randomFailuresWithUnalignedCheckpointsUnderBackpressureLoseAndDuplicateNothing() throws Exception {
        // the sink takes a quarter of what the sources send: every channel is full when a checkpoint starts
        Run run = new Run(2, 40_000, "exactly-once", 10_000, CHECKPOINTS.withUnaligned(0));
        strikeAtRandomAndVerify(run);
        assertThat(run.withChannelState.get()).as("checkpoints that persisted in-flight records").isPositive();
    }

    private void strikeAtRandomAndVerify(Run run) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        CompletableFuture<JobResult> result = run.start(null);
        int injected = Chaos.strikeAfterCheckpoints(6, random, run.completed, run.attempts, result);
        JobResult end = result.get(120, TimeUnit.SECONDS);
        assertThat(end.state()).as("seed %d", seed).isEqualTo(JobResult.JobState.FINISHED);
        assertThat(injected).as("failures injected (seed %d)", seed).isGreaterThanOrEqualTo(3);
        assertThat(end.restarts()).isEqualTo(injected);
        assertThat(end.restoredFrom()).contains("chk-");
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(run.output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as("seed %d: %s", seed, report).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
        List<String> files = CommittedOutput.visibleFiles(run.output).stream().map(f -> f.getFileName().toString()).toList();
        assertThat(run.names.violations(files, 2)).as("seed %d", seed).isEmpty();
    }

    @Test
    void nonTransactionalSinkUnderTheSameFailuresShowsDuplicates() throws Exception {
        Run run = new Run(2, 40_000, "direct");
        CompletableFuture<JobResult> result = run.start(null);
        for (int i = 0; i < 2; i++) {
            run.awaitCheckpointsBeyond(run.completed.get() + 1);
            long attempt = run.attempts.get();
            Chaos.arm(Chaos.Point.RECORD);
            while (run.attempts.get() == attempt && !result.isDone()) {
                Thread.sleep(2);
            }
        }
        assertThat(result.get(120, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.FINISHED);
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(run.output), RECORDS, KEYS);
        assertThat(report.duplicates()).as("the reader must see what a non-transactional sink replays: %s", report)
                .isPositive();
        assertThat(report.gaps()).isZero();
    }

    @Test
    void restoresAtAnotherParallelismFromTheLatestCheckpoint() throws Exception {
        Run first = new Run(2, 30_000);
        CompletableFuture<JobResult> running = first.start(null);
        first.awaitCheckpointsBeyond(3);
        first.master.cancel();
        assertThat(running.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.CANCELED);
        assertThat(KeyedCountVerifier.verify(CommittedFiles.lines(first.output), RECORDS, KEYS).lines())
                .as("the first run must have stopped before the end").isLessThan(RECORDS).isPositive();

        for (int parallelism : new int[] {3, 1}) {
            CompletedCheckpointRef latest = first.storage.findLatestCompleted().orElseThrow();
            Run next = new Run(parallelism, parallelism == 3 ? 20_000 : 0);
            CompletableFuture<JobResult> resumed = next.start(new RestoreTarget(latest.location(), latest.metadata()));
            if (parallelism == 3) {
                next.awaitCheckpointsBeyond(2);
                next.master.cancel();
                assertThat(resumed.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.CANCELED);
            } else {
                assertThat(resumed.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.FINISHED);
            }
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(first.output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    // windowed-count (design §8): failures strike mid-window; open windows move to other parallelisms.

    private static final long WINDOWED_RECORDS = 150_000;
    private static final long WINDOWED_KEYS = 50;
    private static final long STEP_MS = 1;
    private static final long DISORDER_MS = 30;
    private static final long WINDOW_MS = 400;

    private Run windowedCount(int parallelism, long ratePerSubtask) throws Exception {
        return windowedCount(parallelism, ratePerSubtask, CHECKPOINTS);
    }

    private Run windowedCount(int parallelism, long ratePerSubtask, CheckpointConfig checkpoints) throws Exception {
        return windowedCount(parallelism, ratePerSubtask, checkpoints, WINDOWED_RECORDS);
    }

    private Run windowedCount(int parallelism, long ratePerSubtask, CheckpointConfig checkpoints, long records)
            throws Exception {
        return new Run("dev.weir.testing.ChaosWindowedCountJob", parallelism, Map.of(
                "records", Long.toString(records), "keys", Long.toString(WINDOWED_KEYS),
                "stepMs", Long.toString(STEP_MS), "disorderMs", Long.toString(DISORDER_MS),
                "windowMs", Long.toString(WINDOW_MS), "rate", Long.toString(ratePerSubtask)), checkpoints);
    }

    private static WindowedCountVerifier.Report verifyWindows(Path output) throws Exception {
        return verifyWindows(output, WINDOWED_RECORDS);
    }

    private static WindowedCountVerifier.Report verifyWindows(Path output, long records) throws Exception {
        return WindowedCountVerifier.verify(CommittedFiles.lines(output), records, WINDOWED_KEYS, STEP_MS, DISORDER_MS, WINDOW_MS);
    }

    @Test
    void windowedCountFailuresMidWindowAndBeforeTheCommitLoseAndDuplicateNoWindow() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Run run = windowedCount(2, 20_000);
        CompletableFuture<JobResult> result = run.start(null);
        int injected = Chaos.strikeAfterCheckpoints(4, random, run.completed, run.attempts, result);
        JobResult end = result.get(120, TimeUnit.SECONDS);
        assertThat(end.state()).as("seed %d", seed).isEqualTo(JobResult.JobState.FINISHED);
        assertThat(injected).as("failures injected (seed %d)", seed).isGreaterThanOrEqualTo(2);
        assertThat(end.restarts()).isEqualTo(injected);
        WindowedCountVerifier.Report report = verifyWindows(run.output);
        assertThat(report.isExactlyOnce()).as("seed %d: %s", seed, report).isTrue();
    }

    /**
     * windowed-count aggregates in two phases (its CountSum merges exactly), and its sources run
     * flat out here, so the local stage holds accumulators whenever a barrier comes: they must go
     * out in front of it (aligned: before it is broadcast; unaligned: into the batches it overtakes),
     * or a restore would count their records never.
     */
    @ParameterizedTest(name = "unaligned: {0}")
    @ValueSource(booleans = {false, true})
    void windowedCountAtFullSpeedLosesAndDuplicatesNoWindow(boolean unaligned) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long records = 6_000_000;
        Run run = windowedCount(2, 0, unaligned ? CHECKPOINTS.withUnaligned(0) : CHECKPOINTS, records);
        CompletableFuture<JobResult> result = run.start(null);
        int injected = Chaos.strikeAfterCheckpoints(3, random, run.completed, run.attempts, result);
        JobResult end = result.get(120, TimeUnit.SECONDS);
        assertThat(end.state()).as("seed %d", seed).isEqualTo(JobResult.JobState.FINISHED);
        assertThat(injected).as("failures injected (seed %d)", seed).isPositive();
        assertThat(end.restoredFrom()).contains("chk-");
        WindowedCountVerifier.Report report = verifyWindows(run.output, records);
        assertThat(report.isExactlyOnce()).as("seed %d: %s", seed, report).isTrue();
    }

    @Test
    void windowedCountOpenWindowsAreRestoredAtAnotherParallelism() throws Exception {
        Run first = windowedCount(2, 15_000);
        CompletableFuture<JobResult> running = first.start(null);
        first.awaitCheckpointsBeyond(3);
        // Windows fire only once a watermark (every 50 ms) passes their end: on a busy machine three
        // checkpoints can complete before any has; stop once some window's line is committed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (verifyWindows(first.output).lines() == 0 && !running.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        first.master.cancel();
        assertThat(running.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.CANCELED);
        assertThat(verifyWindows(first.output).lines()).as("the first run must have stopped mid-stream")
                .isPositive().isLessThan(verifyWindows(first.output).expectedLines());

        for (int parallelism : new int[] {3, 1}) {
            CompletedCheckpointRef latest = first.storage.findLatestCompleted().orElseThrow();
            Run next = windowedCount(parallelism, parallelism == 3 ? 10_000 : 0);
            CompletableFuture<JobResult> resumed = next.start(new RestoreTarget(latest.location(), latest.metadata()));
            if (parallelism == 3) {
                next.awaitCheckpointsBeyond(2);
                next.master.cancel();
                assertThat(resumed.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.CANCELED);
            } else {
                assertThat(resumed.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.FINISHED);
            }
        }
        WindowedCountVerifier.Report report = verifyWindows(first.output);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
    }
}
