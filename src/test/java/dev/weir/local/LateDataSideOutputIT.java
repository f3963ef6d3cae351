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

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.CompletedCheckpointRef;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.JobCounters;
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

    private final class Run {
        final JobCounters counters = new JobCounters();
        final CheckpointStorage storage =
                new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), "weir/test/late");
        final WorkerProcessDeployer deployer;
        final JobMaster master;

        Run(CoordinatorServer server, int parallelism, long ratePerSubtask, String name) throws Exception {
            Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                    "windowMs", Long.toString(WINDOW_MS), "lateEvery", Long.toString(LATE_EVERY),
                    "rate", Long.toString(ratePerSubtask), "output", dir.resolve("out").toString());
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("late",
                    LateDataJob.class.getName(), new JobArgs(args), parallelism, 128, CheckpointingMode.EXACTLY_ONCE);
            deployer = new WorkerProcessDeployer(job,
                    new WorkerStorage(dir.resolve("checkpoints").toString(), "weir/test/late", null), server,
                    WorkerProcessDeployer.Settings.defaults(dir.resolve("logs-" + name))
                            .withJavaOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")),
                    new JobMetrics());
            master = new JobMaster(new JobMaster.Settings("late", parallelism, 128,
                    new CheckpointConfig(150, 20_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 5),
                    new RestartStrategy.Settings(50, 500, 2.0, 20, 600_000)),
                    storage, deployer, Clock.system(), counters);
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

        void awaitWorkers(int parallelism, long attempt) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((counters.attempts.get() < attempt || deployer.currentWorkers().size() < parallelism
                    || deployer.currentWorkers().stream().anyMatch(p -> !p.isAlive())) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        /** Waits until the late side output has committed a record: lateness depends on the watermark's pace. */
        void awaitCommittedLateRecords(CompletableFuture<?> result) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (CommittedFiles.lines(dir.resolve("out-late")).isEmpty() && !result.isDone()
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        void awaitCheckpointsBeyond(long count, CompletableFuture<?> result) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (counters.completed.get() <= count && !result.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    @Test
    void lateRecordsLeaveThroughTheSideOutputExactlyOnceAcrossAKillAndARescale() throws Exception {
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Run first = new Run(server, 2, 6_000, "p2");
            CompletableFuture<JobResult> result = first.start(null);
            first.awaitWorkers(2, 1);
            first.awaitCheckpointsBeyond(1, result);
            first.deployer.currentWorkers().get(1).destroyForcibly();
            first.awaitWorkers(2, 2);
            // A record is late only once the watermark has passed its window; the restored run must get
            // that far (and commit it) before it is stopped, or the side output is not exercised.
            first.awaitCommittedLateRecords(result);
            first.awaitCheckpointsBeyond(first.counters.completed.get() + 1, result);
            first.master.cancel();
            JobResult stopped = result.get(60, TimeUnit.SECONDS);
            assertThat(stopped.state()).as("%s", stopped.failure()).isEqualTo(JobResult.JobState.CANCELED);
            assertThat(stopped.restarts()).isEqualTo(1);

            CompletedCheckpointRef latest = first.storage.findLatestCompleted().orElseThrow();
            // Rate-limited too: unthrottled, the rest can end within one watermark interval, with no late record.
            Run second = new Run(server, 3, 4_000, "p3");
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
