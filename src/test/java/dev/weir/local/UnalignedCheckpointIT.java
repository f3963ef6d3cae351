package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.GatedSource;
import dev.weir.testing.KeyedCountVerifier;

/**
 * Unaligned checkpoints of keyed-count under backpressure, in one process: a sink limited to a few
 * thousand records per second holds back a source that could go a thousand times faster, so every
 * channel is full whenever a checkpoint starts. The checkpoints carry those in-flight records
 * (channel state); a job restored from one, at the same or another parallelism, commits exactly
 * once what an independent reader expects; savepoints stay aligned and carry none.
 */
class UnalignedCheckpointIT {

    private static final long RECORDS = 200_000;
    private static final long KEYS = 200;
    private static final long SLOW_SINK = 4_000;
    /** Every run holds its sources near their end until the test opens the gate: no run ends before it is canceled. */
    private static final long HOLD_AFTER = RECORDS / 3;

    @TempDir
    Path dir;

    private final class Run implements JobMasterListener {
        final List<CheckpointMetadata> completed = new CopyOnWriteArrayList<>();
        final CheckpointStorage storage;
        final JobMaster master;
        final Path output = dir.resolve("out");
        final Path gate = dir.resolve("gate");

        Run(int parallelism, long sinkRate, CheckpointConfig checkpoints) throws IOException {
            storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), "weir/default/unaligned");
            Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                    "sinkRate", Long.toString(sinkRate), "output", output.toString(),
                    "holdAfter", Long.toString(HOLD_AFTER), "gate", gate.toString());
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("unaligned",
                    "dev.weir.testing.ChaosKeyedCountJob", new JobArgs(args), parallelism, 128,
                    CheckpointingMode.EXACTLY_ONCE);
            master = new JobMaster(new JobMaster.Settings("unaligned", parallelism, 128, checkpoints,
                    new RestartStrategy.Settings(20, 200, 2.0, 10, 600_000)),
                    storage, new InProcessDeployer(job, storage, new JobMetrics()), Clock.system(), this);
        }

        @Override
        public void onCheckpointCompleted(CompletedCheckpointStats stats) {
            try {
                completed.add(storage.readMetadata(stats.location()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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

        /** Waits for {@code count} completed checkpoints that carry in-flight records. */
        void awaitCheckpointsWithChannelState(int count, CompletableFuture<JobResult> result) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (withChannelState() < count && !result.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(withChannelState()).as("checkpoints with in-flight records; completed: %s", summary())
                    .isGreaterThanOrEqualTo(count);
        }

        List<String> summary() {
            return completed.stream().map(m -> "chk-" + m.checkpointId() + " in "
                    + (m.completionTimestamp() - m.triggerTimestamp()) + " ms with " + m.channelStateRecords()
                    + " in-flight records").toList();
        }

        long withChannelState() {
            return completed.stream().filter(m -> m.channelStateRecords() > 0).count();
        }

        RestoreTarget latest() throws IOException {
            var latest = storage.findLatestCompleted().orElseThrow();
            return new RestoreTarget(latest.location(), latest.metadata());
        }

        JobResult cancel(CompletableFuture<JobResult> result) throws Exception {
            master.cancel();
            JobResult end = result.get(60, TimeUnit.SECONDS);
            assertThat(end.state()).isEqualTo(JobResult.JobState.CANCELED);
            return end;
        }

        /**
         * Runs from {@code restore} (null: from scratch) until {@code count} checkpoints carried
         * in-flight records, cancels, and returns the latest checkpoint, which must carry some too.
         */
        RestoreTarget runUntilCheckpointsWithChannelState(RestoreTarget restore, int count) throws Exception {
            CompletableFuture<JobResult> running = start(restore);
            awaitCheckpointsWithChannelState(count, running);
            cancel(running);
            RestoreTarget latest = latest();
            assertThat(latest.metadata().channelStateRecords()).as("the latest checkpoint holds in-flight records")
                    .isPositive();
            return latest;
        }
    }

    private static CheckpointConfig unaligned(long alignedTimeoutMs) {
        return new CheckpointConfig(200, 30_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3).withUnaligned(alignedTimeoutMs);
    }

    /**
     * Opens the gate and runs the job to its end from {@code restore} at {@code parallelism}, the
     * sink unlimited; then the independent reader checks everything every run committed.
     */
    private void finishFromAndVerify(RestoreTarget restore, int parallelism, CheckpointConfig checkpoints)
            throws Exception {
        Run last = new Run(parallelism, 0, checkpoints);
        GatedSource.open(last.gate);
        assertThat(last.start(restore).get(120, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.FINISHED);
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(last.output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    @Test
    void checkpointsUnderBackpressurePersistInFlightRecordsAndARestoreFromThemIsExactlyOnce() throws Exception {
        Run first = new Run(2, SLOW_SINK, unaligned(0));
        RestoreTarget restore = first.runUntilCheckpointsWithChannelState(null, 3);
        assertThat(KeyedCountVerifier.verify(CommittedFiles.lines(first.output), RECORDS, KEYS).lines())
                .as("the first run stopped before the end").isLessThan(RECORDS);

        finishFromAndVerify(restore, 2, unaligned(0));
    }

    @Test
    void anUnalignedCheckpointRestoresAtAnotherParallelism() throws Exception {
        RestoreTarget toThree = new Run(2, SLOW_SINK, unaligned(0)).runUntilCheckpointsWithChannelState(null, 2);
        // scale out with in-flight records of a keyed edge, back-pressured again, then in to one subtask
        RestoreTarget toOne = new Run(3, SLOW_SINK, unaligned(0)).runUntilCheckpointsWithChannelState(toThree, 2);
        assertThat(toOne.metadata().parallelism()).isEqualTo(3);

        finishFromAndVerify(toOne, 1, unaligned(0));
    }

    @Test
    void checkpointsStartAlignedAndTurnUnalignedWhenAlignmentOutlastsTheTimeout() throws Exception {
        // channels full behind a 2 000 records/s sink: draining them takes seconds, far beyond 50 ms
        RestoreTarget restore = new Run(2, 2_000, unaligned(50)).runUntilCheckpointsWithChannelState(null, 2);
        finishFromAndVerify(restore, 2, unaligned(50));
    }

    @Test
    void savepointsStayAlignedWhileCheckpointsAreUnaligned() throws Exception {
        Run run = new Run(2, SLOW_SINK, unaligned(0));
        CompletableFuture<JobResult> running = run.start(null);
        run.awaitCheckpointsWithChannelState(1, running);
        CompletedCheckpointStats savepoint = run.master.triggerSavepoint().get(60, TimeUnit.SECONDS);
        assertThat(savepoint.type()).isEqualTo(CheckpointType.SAVEPOINT);
        CheckpointMetadata metadata = run.storage.readMetadata(savepoint.location());
        assertThat(metadata.savepoint()).isTrue();
        assertThat(metadata.channelState()).as("a savepoint carries no in-flight records").isEmpty();
        run.cancel(running);
    }
}
