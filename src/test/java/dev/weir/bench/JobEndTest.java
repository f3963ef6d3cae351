package dev.weir.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.weir.coordinator.JobResult;

class JobEndTest {

    private static final long MS = 1_000_000L;

    private static JobResult finishedAfter(long durationMs) {
        return new JobResult(JobResult.JobState.FINISHED, 1, 0, 3, 0, null, null, null, null, null, durationMs);
    }

    @Test
    void theJobsTimeEndsWhereTheJobMasterSawItFinishNotWhenItsWorkersHadExited() {
        long submitted = 5_000 * MS;
        // every task ran 900 ms after submission, the job finished at 2,400 ms, run returned at 2,750 ms
        JobEnd end = JobEnd.of(submitted, submitted + 2_750 * MS, submitted + 900 * MS, finishedAfter(2_400));

        assertEquals(2.4, end.seconds(), 1e-9);
        assertEquals(1.5, end.netSeconds(), 1e-9);
        assertEquals(0.35, end.stopSeconds(), 1e-9);
    }

    @Test
    void theJobMastersWholeMillisecondsNeverReachPastTheReturnOfRun() {
        long submitted = 7 * MS;
        JobEnd end = JobEnd.of(submitted, submitted + 2_400 * MS - 300_000, submitted + 900 * MS, finishedAfter(2_400));

        assertEquals(2.3997, end.seconds(), 1e-9);
        assertEquals(0.0, end.stopSeconds(), 1e-9);
    }

    @Test
    void withoutAMomentWhenEveryTaskRanTheNetTimeIsTheWholeTime() {
        JobEnd end = JobEnd.of(0, 3_000 * MS, 0, finishedAfter(2_000));

        assertEquals(2.0, end.netSeconds(), 1e-9);
    }
}
