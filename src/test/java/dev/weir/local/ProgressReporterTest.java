package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.weir.api.StreamJobSpec;
import dev.weir.coordinator.CheckpointFailureReason;
import dev.weir.coordinator.CheckpointTimings;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobResult;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;

/** The progress line and the summary on a manual clock: a checkpoint that stalls is visible while it stalls and after. */
class ProgressReporterTest {

    private static final long INTERVAL = 1_000;
    private static final long START = 1_000_000;

    private final AtomicLong now = new AtomicLong(START);
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final ProgressReporter progress = new ProgressReporter("counts", new JobMetrics(),
            new PrintStream(printed, true, StandardCharsets.UTF_8), false, INTERVAL, now::get);

    @Test
    void untilEveryTaskRunsTheLineSaysTheTasksAreStartingInPlaceOfARate() {
        assertThat(line()).as("before any attempt").contains("  0 records  starting  checkpoints 0 completed");
        progress.onAttemptStarted(1, null);
        now.set(START + 1_000);
        assertThat(line()).contains("  0 records  tasks of attempt 1 starting  checkpoints 0 completed")
                .doesNotContain("records/s");

        progress.onTasksRunning();
        now.set(START + 2_000);
        assertThat(line()).contains("  0 records  0 records/s  checkpoints");

        progress.onAttemptStarted(2, "s3://weir/counts/checkpoints/chk-3");
        now.set(START + 3_000);
        assertThat(line()).contains("tasks of attempt 2 starting");
    }

    @Test
    void aCheckpointPendingForLongerThanTheIntervalIsShownWithItsAge() {
        progress.onCheckpointTriggered(7, CheckpointType.CHECKPOINT, START);
        now.set(START + INTERVAL);
        assertThat(line()).as("pending for an interval: nothing unusual").doesNotContain("pending");

        now.set(START + 12_345);
        assertThat(line()).contains("checkpoints 0 completed (none yet), checkpoint 7 pending for 12.3 s, 0 failed");

        progress.onCheckpointCompleted(completed(7, CheckpointType.CHECKPOINT, START));
        assertThat(line()).contains("checkpoints 1 completed (#7, 12345 ms, 100 B), 0 failed").doesNotContain("pending");
    }

    @Test
    void aStalledCheckpointIsReportedAsFailedAndTheNextOneShowsItsOwnAge() {
        progress.onCheckpointTriggered(3, CheckpointType.CHECKPOINT, START);
        now.set(START + 10_000);
        progress.onCheckpointFailed(3, CheckpointFailureReason.STALLED, "no acknowledgement for 10000 ms");
        progress.onCheckpointTriggered(4, CheckpointType.CHECKPOINT, now.get());
        now.addAndGet(2_500);

        assertThat(printed()).contains("[counts] checkpoint 3 failed: STALLED: no acknowledgement for 10000 ms");
        assertThat(line()).contains("checkpoint 4 pending for 2.5 s, 1 failed");
    }

    @Test
    void aPendingSavepointIsNamedSoAndCountsNoCheckpoint() {
        progress.onCheckpointTriggered(9, CheckpointType.SAVEPOINT, START);
        now.set(START + 5_000);
        assertThat(line()).contains("savepoint 9 pending for 5.0 s");

        progress.onCheckpointCompleted(completed(9, CheckpointType.SAVEPOINT, START));
        assertThat(line()).contains("checkpoints 0 completed (none yet), 0 failed");
    }

    @Test
    void theSummaryTellsWhenTheFirstCheckpointCameAndTheLongestWaitForOne() {
        progress.onCheckpointTriggered(1, CheckpointType.CHECKPOINT, START + 1_000);
        now.set(START + 4_500);
        progress.onCheckpointCompleted(completed(1, CheckpointType.CHECKPOINT, START + 1_000));
        progress.onCheckpointTriggered(2, CheckpointType.CHECKPOINT, START + 5_000);
        now.set(START + 5_200);
        progress.onCheckpointCompleted(completed(2, CheckpointType.CHECKPOINT, START + 5_000));
        progress.onCheckpointTriggered(3, CheckpointType.CHECKPOINT, START + 6_000);
        now.set(START + 6_100);
        progress.onCheckpointFailed(3, CheckpointFailureReason.COORDINATOR_SHUTDOWN, "coordinator shut down");

        Map<String, Object> summary = summary();
        assertThat(summary).containsEntry("first_checkpoint_s", 4.5).containsEntry("longest_pending_checkpoint_ms", 3_500L);
    }

    @Test
    void theSummaryCountsACheckpointStillPendingUpToNow() {
        progress.onCheckpointTriggered(1, CheckpointType.CHECKPOINT, START + 1_000);
        now.set(START + 18_000);

        Map<String, Object> summary = summary();
        assertThat(summary.get("first_checkpoint_s")).as("none completed").isNull();
        assertThat(summary).containsEntry("longest_pending_checkpoint_ms", 17_000L);
    }

    private String line() {
        printed.reset();
        progress.printProgress();
        return printed();
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private Map<String, Object> summary() {
        StreamJobManifest manifest = new StreamJobManifest("weir.dev/v1alpha1", "StreamJob", "counts", null,
                new StreamJobSpec());
        LocalOptions options = new LocalOptions(Path.of("counts.yaml"), null, Path.of("state"), true, false, Map.of(),
                null, null, 0, null);
        InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("counts",
                "dev.weir.examples.KeyedCountJob", new JobArgs(Map.of()), 2, 128, CheckpointingMode.EXACTLY_ONCE);
        JobResult result = new JobResult(JobResult.JobState.FINISHED, 1, 0, 2, 0, null, null, null, null, null, 6_100);
        return WeirLocal.summary(manifest, options, job, result, new JobMetrics(), 6.1, progress.timeline(), now.get());
    }

    private CompletedCheckpointStats completed(long id, CheckpointType type, long triggered) {
        return new CompletedCheckpointStats(id, type, "s3://weir/chk-" + id, triggered, now.get(), now.get() - triggered,
                100, CheckpointTimings.NONE);
    }
}
