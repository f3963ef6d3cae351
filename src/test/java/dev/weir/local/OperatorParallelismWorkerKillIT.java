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
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.storage.CompletedCheckpointRef;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.KeyedCountVerifier;
import dev.weir.testing.OperatorParallelismTestJob;
import dev.weir.testing.WindowedCountVerifier;

/**
 * Operators of their own parallelism in worker processes ({@link OperatorParallelismTestJob}, two
 * workers): a source of one subtask feeding keyed-count's function of two and its sink of one, and
 * windowed-count's windows behind them. A worker is SIGKILLed mid-stream under unaligned
 * checkpoints; the run is stopped and restored from its latest checkpoint with the keyed function
 * narrowed to one subtask and its sink widened to two (same uids). An independent reader checks
 * both outputs: keyed-count's and windowed-count's contracts, every line exactly once.
 */
class OperatorParallelismWorkerKillIT {

    private static final long RECORDS = 20_000;
    private static final long KEYS = 10;
    private static final long WINDOW_MS = 100;
    private static final long DISORDER_MS = 5;

    @TempDir
    Path dir;

    private WorkerProcessRun run(CoordinatorServer server, long ratePerSubtask, int countParallelism,
                                 int countSinkParallelism, boolean unaligned, String name) throws Exception {
        Map<String, String> args = new HashMap<>(Map.of("records", Long.toString(RECORDS),
                "keys", Long.toString(KEYS), "windowMs", Long.toString(WINDOW_MS),
                "disorderMs", Long.toString(DISORDER_MS), "rate", Long.toString(ratePerSubtask),
                "output", dir.resolve("out").toString(), "sourceParallelism", "1",
                "countParallelism", Integer.toString(countParallelism),
                "countSinkParallelism", Integer.toString(countSinkParallelism), "windowSinkParallelism", "1"));
        return new WorkerProcessRun(server, dir, "logs-" + name, new InProcessDeployer.JobSpecification("widths",
                OperatorParallelismTestJob.class.getName(), new JobArgs(args), 2, 128, CheckpointingMode.EXACTLY_ONCE),
                unaligned ? WorkerProcessRun.CHECKPOINTS.withUnaligned(0) : WorkerProcessRun.CHECKPOINTS);
    }

    @Test
    void narrowAndWideOperatorsCommitExactlyOnceAcrossAKillAndAChangedOperatorParallelism() throws Exception {
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessRun first = run(server, 2_000, 2, 1, true, "count-2");
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
            assertThat(latest.metadata().operators().get("count")).as("count ran with two subtasks").hasSize(2);
            WorkerProcessRun second = run(server, 0, 1, 2, false, "count-1");
            JobResult end = second.start(new RestoreTarget(latest.location(), latest.metadata())).get(120, TimeUnit.SECONDS);
            assertThat(end.state()).as("%s", end.failure()).isEqualTo(JobResult.JobState.FINISHED);
        }
        KeyedCountVerifier.Report counts = KeyedCountVerifier.verify(CommittedFiles.lines(dir.resolve("out/count")),
                RECORDS, KEYS);
        assertThat(counts.isExactlyOnce()).as("%s", counts).isTrue();
        assertThat(counts.lines()).isEqualTo(RECORDS);
        // Sorted and compared as lists: AssertJ's any-order comparison is quadratic, seconds for these sizes.
        assertThat(sorted(CommittedFiles.lines(dir.resolve("out/windows")))).isEqualTo(sorted(expectedWindows()));
    }

    @Test
    void anOperatorWiderThanTheJobFailsItAtOnceNamingTheOperator() throws Exception {
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessRun run = run(server, 0, 3, 1, false, "too-wide");
            JobResult end = run.start(null).get(60, TimeUnit.SECONDS);

            assertThat(end.state()).isEqualTo(JobResult.JobState.FAILED);
            assertThat(end.restarts()).isZero();
            assertThat(end.cause().unrecoverable()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION);
            assertThat(end.failure()).contains("operator 'count' has parallelism 3 (setParallelism), more than the"
                    + " job's parallelism 2 (spec.job.parallelism)");
        }
    }

    /** windowed-count's contract, recomputed from its definition: one line per (key, window) with records. */
    private static List<String> expectedWindows() {
        return WindowedCountVerifier.expectedLines(RECORDS, KEYS, 1, DISORDER_MS, WINDOW_MS);
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        java.util.Collections.sort(copy);
        return copy;
    }
}
