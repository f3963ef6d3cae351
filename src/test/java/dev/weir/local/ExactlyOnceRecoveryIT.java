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

/**
 * Exactly-once under failures, in one process: failures strike at random moments after a
 * checkpoint completed, including between "checkpoint complete" and the sink's commit; every
 * restart restores from the latest completed checkpoint; an independent reader then checks the
 * committed output for duplicates and gaps. The same failures with unaligned checkpoints under
 * backpressure (a rate-limited sink): restores replay the in-flight records the checkpoints held.
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
            storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), "weir/default/chaos");
            Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                    "rate", Long.toString(ratePerSubtask), "output", output.toString(), "sink", sink,
                    "sinkRate", Long.toString(sinkRate));
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("chaos",
                    "dev.weir.testing.ChaosKeyedCountJob", new JobArgs(args), parallelism, 128,
                    CheckpointingMode.EXACTLY_ONCE);
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
        int injected = 0;
        for (int i = 0; i < 6 && !result.isDone(); i++) {
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
}
