package dev.weir.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WaitTimerTest {

    @Test
    void countsEndedWaitsAndTheOneInProgress() {
        WaitTimer timer = new WaitTimer();
        timer.start(1_000);
        timer.stop(1_400);
        assertThat(timer.totalNanos(5_000)).isEqualTo(400);

        timer.start(6_000);
        assertThat(timer.totalNanos(6_250)).as("a wait in progress counts up to now").isEqualTo(650);
        timer.stop(7_000);
        assertThat(timer.totalNanos(9_000)).isEqualTo(1_400);
    }

    @Test
    void aSecondStartOrAStrayStopChangesNothing() {
        WaitTimer timer = new WaitTimer();
        timer.stop(100);
        timer.start(1_000);
        timer.start(1_500);
        timer.stop(2_000);
        timer.stop(3_000);
        assertThat(timer.totalNanos(4_000)).isEqualTo(1_000);
    }

    @Test
    void sampleSplitsRunningTimeIntoIdleBackPressuredAndBusy() {
        TaskIoMetrics io = new TaskIoMetrics();
        assertThat(io.sample(500).runningNanos()).as("nothing runs yet").isZero();
        io.running(1_000);
        io.idle().start(1_000);
        io.idle().stop(1_300);
        io.backPressure().start(1_500);
        io.countRecordsWith(() -> 512, () -> 500);

        TaskIoMetrics.Sample sample = io.sample(2_000);

        assertThat(sample.runningNanos()).isEqualTo(1_000);
        assertThat(sample.idleNanos()).isEqualTo(300);
        assertThat(sample.backPressuredNanos()).isEqualTo(500);
        assertThat(sample.busyNanos()).isEqualTo(200);
        assertThat(sample.recordsIn()).isEqualTo(512);
        assertThat(sample.recordsOut()).isEqualTo(500);
    }
}
