package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import dev.weir.testing.LateDataJob;

/**
 * A window's late-data side output in worker processes: records too late for their window leave
 * through the side output (a second exactly-once sink), the rest are counted in windows. A worker
 * is SIGKILLed, the run is stopped and restored at another parallelism; every record must be
 * committed exactly once, in a window or as late, and only records stamped in the past may be late.
 */
class LateDataSideOutputIT {

    private static final long RECORDS = 60_000;
    private static final long KEYS = 10;
    private static final long WINDOW_MS = 100;
    private static final long LATE_EVERY = 50;

    @TempDir
    Path dir;

    private WorkerProcessRun run(CoordinatorServer server, int parallelism, long ratePerSubtask, String name)
            throws Exception {
        Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                "windowMs", Long.toString(WINDOW_MS), "lateEvery", Long.toString(LATE_EVERY),
                "rate", Long.toString(ratePerSubtask), "output", dir.resolve("out").toString());
        return new WorkerProcessRun(server, dir, "logs-" + name, new InProcessDeployer.JobSpecification("late",
                LateDataJob.class.getName(), new JobArgs(args), parallelism, 128, CheckpointingMode.EXACTLY_ONCE),
                WorkerProcessRun.CHECKPOINTS);
    }

    /** Waits until the late side output has committed a record: lateness depends on the watermark's pace. */
    private void awaitCommittedLateRecords(CompletableFuture<?> result) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (CommittedFiles.lines(dir.resolve("out-late")).isEmpty() && !result.isDone()
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void lateRecordsLeaveThroughTheSideOutputExactlyOnceAcrossAKillAndARescale() throws Exception {
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessRun first = run(server, 2, 6_000, "p2");
            CompletableFuture<JobResult> result = first.start(null);
            first.awaitWorkers(1);
            first.awaitCheckpointsBeyond(1, result);
            first.kill(1);
            first.awaitWorkers(2);
            // A record is late only once the watermark has passed its window; the restored run must get
            // that far (and commit it) before it is stopped, or the side output is not exercised.
            awaitCommittedLateRecords(result);
            first.awaitCheckpointsBeyond(first.counters.completed.get() + 1, result);
            first.master.cancel();
            JobResult stopped = result.get(60, TimeUnit.SECONDS);
            assertThat(stopped.state()).as("%s", stopped.failure()).isEqualTo(JobResult.JobState.CANCELED);
            assertThat(stopped.restarts()).isEqualTo(1);

            CompletedCheckpointRef latest = first.storage.findLatestCompleted().orElseThrow();
            // Rate-limited too: unthrottled, the rest can end within one watermark interval, with no late record.
            WorkerProcessRun second = run(server, 3, 4_000, "p3");
            JobResult end = second.start(new RestoreTarget(latest.location(), latest.metadata())).get(180, TimeUnit.SECONDS);
            assertThat(end.state()).as("%s", end.failure()).isEqualTo(JobResult.JobState.FINISHED);
        }
        LateDataJob.Settings settings = new LateDataJob.Settings(RECORDS, KEYS, WINDOW_MS, LATE_EVERY, 5_000, 0);
        List<String> lateLines = CommittedFiles.lines(dir.resolve("out-late"));
        Set<Long> late = new HashSet<>();
        for (String line : lateLines) {
            assertThat(line).startsWith("late,");
            long i = Long.parseLong(line.substring("late,".length()));
            assertThat(late.add(i)).as("late record %d committed once", i).isTrue();
            assertThat(settings.eventTime(i)).as("record %d was stamped in the past", i).isLessThan(i);
        }
        assertThat(late).as("some records were late").isNotEmpty();

        Map<String, long[]> expected = new HashMap<>();
        for (long i = 0; i < RECORDS; i++) {
            if (!late.contains(i)) {
                long start = Math.floorDiv(settings.eventTime(i), WINDOW_MS) * WINDOW_MS;
                long[] countSum = expected.computeIfAbsent(settings.keyOf(i) + "," + start, k -> new long[2]);
                countSum[0]++;
                countSum[1] += i;
            }
        }
        // The watermark is not part of a checkpoint (as in Flink): after a restore, a record that would
        // have been late can open its fired window again, which then fires with the records that came
        // since. So a window may be committed in parts; each record must be in exactly one of them.
        Map<String, long[]> committed = new HashMap<>();
        for (String line : CommittedFiles.lines(dir.resolve("out"))) {
            String[] fields = line.split(",");
            long[] countSum = committed.computeIfAbsent(fields[0] + "," + fields[1], k -> new long[2]);
            countSum[0] += Long.parseLong(fields[2]);
            countSum[1] += Long.parseLong(fields[3]);
        }
        assertThat(committed.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, long[]> window : expected.entrySet()) {
            assertThat(committed.get(window.getKey())).as("count and sum of window %s", window.getKey())
                    .containsExactly(window.getValue());
        }
    }
}
