package dev.weir.bench;

import dev.weir.coordinator.JobResult;

/**
 * When a benchmarked job ended, by the measurement rules of {@code ../shared/bench/nexmark.md} §4:
 * its time runs from submission until the job finished and its sink holds every row, which is
 * {@link JobResult#durationMs()} (the job master's clock stops at the last attempt's outcome).
 * {@link dev.weir.coordinator.JobMaster#run} returns only once that attempt's worker processes
 * have exited as well; that stop is reported apart and is not the job's time.
 *
 * @param seconds submission to the job's end
 * @param netSeconds every task running to the job's end
 * @param stopSeconds the job's end to {@code run} returning (its worker processes gone)
 */
record JobEnd(double seconds, double netSeconds, double stopSeconds) {

    /**
     * @param submittedNanos {@link System#nanoTime()} just before {@code run}
     * @param returnedNanos {@link System#nanoTime()} just after it returned
     * @param runningNanos {@link System#nanoTime()} when every task ran; 0 if they never did
     */
    static JobEnd of(long submittedNanos, long returnedNanos, long runningNanos, JobResult result) {
        double returned = (returnedNanos - submittedNanos) / 1e9;
        // durationMs is whole milliseconds of another clock: never past the moment run returned.
        double seconds = Math.min(returned, result.durationMs() / 1000.0);
        double net = runningNanos == 0 ? seconds : seconds - (runningNanos - submittedNanos) / 1e9;
        return new JobEnd(seconds, net, returned - seconds);
    }
}
