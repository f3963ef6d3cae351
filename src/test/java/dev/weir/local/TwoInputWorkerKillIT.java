package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import dev.weir.testing.TwoInputTestJob;

/**
 * Union, keyed connect, interval join and window coGroup ({@link TwoInputTestJob}) in worker processes: a worker is
 * SIGKILLed mid-stream under unaligned checkpoints (in-flight records of several input edges per
 * task go into the checkpoint), the run is stopped and restored at another parallelism with aligned
 * checkpoints; each pipeline must commit exactly what a brute force over the inputs expects, once.
 */
class TwoInputWorkerKillIT {

    private static final long RECORDS = 30_000;
    private static final long KEYS = 10;

    @TempDir
    Path dir;

    private WorkerProcessRun run(CoordinatorServer server, int parallelism, long ratePerSubtask, boolean unaligned,
                                 String name) throws Exception {
        Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                "rate", Long.toString(ratePerSubtask), "output", dir.resolve("out").toString());
        return new WorkerProcessRun(server, dir, "logs-" + name, new InProcessDeployer.JobSpecification("two-inputs",
                TwoInputTestJob.class.getName(), new JobArgs(args), parallelism, 128, CheckpointingMode.EXACTLY_ONCE),
                unaligned ? WorkerProcessRun.CHECKPOINTS.withUnaligned(0) : WorkerProcessRun.CHECKPOINTS);
    }

    @Test
    void unionConnectIntervalJoinAndWindowCoGroupCommitExactlyOnceAcrossAKillAndARescale() throws Exception {
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessRun first = run(server, 2, 1_000, true, "p2");
            CompletableFuture<JobResult> result = first.start(null);
            first.awaitWorkers(1);
            first.awaitCheckpointsBeyond(0, result);
            assertThat(result).as("the job must still run").isNotDone();
            first.kill(1);
            first.awaitWorkers(2);
            first.awaitCheckpointsBeyond(first.counters.completed.get() + 1, result);
            first.master.cancel();
            JobResult stopped = result.get(60, TimeUnit.SECONDS);
            assertThat(stopped.state()).as("%s", stopped.failure()).isEqualTo(JobResult.JobState.CANCELED);
            assertThat(stopped.restarts()).isEqualTo(1);

            CompletedCheckpointRef latest = first.storage.findLatestCompleted().orElseThrow();
            WorkerProcessRun second = run(server, 3, 0, false, "p3");
            JobResult end = second.start(new RestoreTarget(latest.location(), latest.metadata())).get(120, TimeUnit.SECONDS);
            assertThat(end.state()).as("%s", end.failure()).isEqualTo(JobResult.JobState.FINISHED);
        }
        assertUnionCounts(CommittedFiles.lines(dir.resolve("out/union")));
        // Sorted and compared as lists: AssertJ's any-order comparison is quadratic, seconds for these sizes.
        assertThat(sorted(CommittedFiles.lines(dir.resolve("out/enrich")))).isEqualTo(sorted(enriched()));
        assertThat(sorted(CommittedFiles.lines(dir.resolve("out/join")))).isEqualTo(sorted(joined()));
        assertThat(sorted(CommittedFiles.lines(dir.resolve("out/window")))).isEqualTo(sorted(windowGroups()));
    }

    /** Per key and tumbling window, each side's values in ascending order (the generators emit them so). */
    private static List<String> windowGroups() {
        Map<String, List<List<String>>> groups = new HashMap<>();
        for (long l = 0; l < RECORDS; l++) {
            group(groups, l, Math.floorDiv(TwoInputTestJob.leftTime(l), TwoInputTestJob.WINDOW_MS)).get(0)
                    .add(Long.toString(l));
        }
        for (long r = 0; r < RECORDS / 2; r++) {
            group(groups, r, Math.floorDiv(TwoInputTestJob.rightTime(r), TwoInputTestJob.WINDOW_MS)).get(1)
                    .add(Long.toString(r));
        }
        List<String> lines = new ArrayList<>();
        groups.values().forEach(sides -> lines.add(String.join(" ", sides.get(0)) + "|" + String.join(" ", sides.get(1))));
        return lines;
    }

    private static List<List<String>> group(Map<String, List<List<String>>> groups, long value, long window) {
        return groups.computeIfAbsent(value % KEYS + "@" + window, k -> List.of(new ArrayList<>(), new ArrayList<>()));
    }

    /** keyed-count's contract over left ∪ right: per key one line per count 1..n, the last with the key's sum. */
    private static void assertUnionCounts(List<String> lines) {
        Map<Long, long[]> expected = new HashMap<>();
        for (long i = 0; i < RECORDS; i++) {
            add(expected, i);
        }
        for (long i = 0; i < RECORDS / 2; i++) {
            add(expected, i);
        }
        Map<String, String> byKeyAndCount = new HashMap<>();
        for (String line : lines) {
            String[] fields = line.split(",");
            assertThat(byKeyAndCount.put(fields[0] + "," + fields[1], fields[2]))
                    .as("line for key %s count %s committed once", fields[0], fields[1]).isNull();
        }
        List<String> expectedKeysAndCounts = new ArrayList<>();
        expected.forEach((key, countSum) -> {
            for (long count = 1; count <= countSum[0]; count++) {
                expectedKeysAndCounts.add(key + "," + count);
            }
            assertThat(byKeyAndCount.get(key + "," + countSum[0])).as("sum of key %d", key)
                    .isEqualTo(Long.toString(countSum[1]));
        });
        assertThat(sorted(new ArrayList<>(byKeyAndCount.keySet()))).isEqualTo(sorted(expectedKeysAndCounts));
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        java.util.Collections.sort(copy);
        return copy;
    }

    private static void add(Map<Long, long[]> expected, long i) {
        long[] countSum = expected.computeIfAbsent(i % KEYS, k -> new long[2]);
        countSum[0]++;
        countSum[1] += i;
    }

    private static List<String> enriched() {
        List<String> lines = new ArrayList<>();
        for (long i = 0; i < RECORDS; i++) {
            long key = i % KEYS;
            lines.add(key + "," + i + "," + i * (key + 1));
        }
        return lines;
    }

    /** Every pair a brute force finds: right times grow by 3 ms per record (± 13), so only nearby ones can pair. */
    private static List<String> joined() {
        List<String> lines = new ArrayList<>();
        for (long l = 0; l < RECORDS; l++) {
            long leftTime = TwoInputTestJob.leftTime(l);
            long from = Math.max(0, (leftTime + TwoInputTestJob.LOWER_MS) / 3 - 10);
            long to = Math.min(RECORDS / 2 - 1, (leftTime + TwoInputTestJob.UPPER_MS) / 3 + 10);
            for (long r = from; r <= to; r++) {
                long rightTime = TwoInputTestJob.rightTime(r);
                if (l % KEYS == r % KEYS && rightTime >= leftTime + TwoInputTestJob.LOWER_MS
                        && rightTime <= leftTime + TwoInputTestJob.UPPER_MS) {
                    lines.add(l + "," + r);
                }
            }
        }
        assertThat(lines).hasSizeGreaterThan(1_000);
        return lines;
    }
}
