package dev.weir.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.weir.api.CheckpointingSpec;
import dev.weir.operator.runtime.AttemptView;
import dev.weir.operator.runtime.CheckpointHealth;
import dev.weir.operator.runtime.SnapshotInfo;

class CheckpointingConditionTest {

    private static final long STARTED = 1_000_000;

    private final CheckpointingSpec spec = new CheckpointingSpec();

    private static AttemptView view(SnapshotInfo last, CheckpointHealth health) {
        return new AttemptView(true, 2, null, false, last, health);
    }

    private static SnapshotInfo checkpoint(long id, long completedAt) {
        return new SnapshotInfo(id, "s3://weir/x/checkpoints/chk-" + id, completedAt, 10, 100);
    }

    private static CheckpointHealth healthy() {
        return new CheckpointHealth(STARTED, 0, 0, null);
    }

    private CheckpointingReason judge(AttemptView view, long now) {
        return CheckpointingCondition.judge(spec, view, true, now).reason();
    }

    @Test
    void unknownUntilTheAttemptsFirstCheckpointThenTrue() {
        assertThat(judge(view(null, healthy()), STARTED + 500)).isEqualTo(CheckpointingReason.AwaitingFirstCheckpoint);
        assertThat(judge(view(checkpoint(1, STARTED + 900), healthy()), STARTED + 1_000))
                .isEqualTo(CheckpointingReason.CheckpointCompleted);
    }

    @Test
    void unknownWhileNoAttemptRuns() {
        assertThat(judge(AttemptView.NOT_HOSTED, STARTED)).isEqualTo(CheckpointingReason.JobNotRunning);
        assertThat(judge(view(null, CheckpointHealth.NOT_RUNNING), STARTED)).isEqualTo(CheckpointingReason.JobNotRunning);
        assertThat(CheckpointingCondition.judge(spec, view(checkpoint(1, STARTED), healthy()), false, STARTED).reason())
                .as("the attempt is being stopped").isEqualTo(CheckpointingReason.JobNotRunning);
    }

    @Test
    void oneFailureIsNoiseTwoInARowAreFailing() {
        SnapshotInfo last = checkpoint(4, STARTED + 1_000);
        assertThat(judge(view(last, new CheckpointHealth(STARTED, 1, 300, "DECLINED: x")), STARTED + 2_000))
                .isEqualTo(CheckpointingReason.CheckpointCompleted);
        CheckpointingCondition.Judgement failing = CheckpointingCondition.judge(spec,
                view(last, new CheckpointHealth(STARTED, 2, 1_300, "STORAGE_FAILURE: writing _metadata failed")), true,
                STARTED + 2_500);
        assertThat(failing.reason()).isEqualTo(CheckpointingReason.CheckpointsFailing);
        assertThat(failing.reason().status()).isEqualTo("False");
        assertThat(failing.message()).isEqualTo("2 consecutive checkpoints failed over 1300 ms (the job fails over past"
                + " 3 failures and 60000 ms); last: STORAGE_FAILURE: writing _metadata failed");
    }

    @Test
    void aToleranceOfZeroIsFailingAtTheFirstFailure() {
        spec.setTolerableFailures(0);
        assertThat(judge(view(null, new CheckpointHealth(STARTED, 1, 0, "TIMEOUT: t")), STARTED + 10))
                .isEqualTo(CheckpointingReason.CheckpointsFailing);
    }

    @Test
    void stalledAfterTheLargerOfThreeIntervalsAndTheTimeout() {
        spec.setIntervalMs(1_000);
        spec.setTimeoutMs(60_000);
        SnapshotInfo last = checkpoint(4, STARTED + 5_000);
        assertThat(judge(view(last, healthy()), STARTED + 65_000)).isEqualTo(CheckpointingReason.CheckpointCompleted);
        assertThat(judge(view(last, healthy()), STARTED + 65_001)).isEqualTo(CheckpointingReason.CheckpointStalled);

        spec.setIntervalMs(30_000);
        assertThat(judge(view(last, healthy()), STARTED + 95_000)).isEqualTo(CheckpointingReason.CheckpointCompleted);
        assertThat(judge(view(last, healthy()), STARTED + 95_001)).isEqualTo(CheckpointingReason.CheckpointStalled);
    }

    @Test
    void anAttemptThatNeverCompletesACheckpointStallsFromWhenItRan() {
        spec.setTimeoutMs(5_000);
        spec.setIntervalMs(1_000);
        CheckpointingCondition.Judgement stalled = CheckpointingCondition.judge(spec, view(null, healthy()), true,
                STARTED + 5_001);
        assertThat(stalled.reason()).isEqualTo(CheckpointingReason.CheckpointStalled);
        assertThat(stalled.message()).contains("no checkpoint completed for 5001 ms since the attempt started");
    }

    @Test
    void noStallWithoutPeriodicCheckpoints() {
        spec.setIntervalMs(0);
        assertThat(judge(view(null, healthy()), STARTED + 10_000_000)).isEqualTo(CheckpointingReason.AwaitingFirstCheckpoint);
    }

    @Test
    void failingWinsOverStalled() {
        spec.setTimeoutMs(1_000);
        assertThat(judge(view(null, new CheckpointHealth(STARTED, 5, 4_000, "TIMEOUT: t")), STARTED + 10_000))
                .isEqualTo(CheckpointingReason.CheckpointsFailing);
    }
}
