package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.examples.KeyedCountJob;
import dev.weir.examples.WindowedCountJob;
import dev.weir.examples.WindowedCountResult;
import dev.weir.runtime.checkpoint.AlignmentType;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.network.remote.DataPlane;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.CountSumLines;
import dev.weir.testing.KeyedCountVerifier;
import dev.weir.testing.WindowedCountVerifier;

/**
 * Operators of different parallelism through real tasks and channels (in memory, or TCP between two
 * "workers"): source p=1 → map p=2 → keyBy count p=2 → sink p=1, and event-time windows p=2 behind the
 * same map with their own sink p=1. An aligned and an unaligned checkpoint pass while it runs, each
 * acknowledged by every subtask of every task; the output is exactly keyed-count's and windowed-count's.
 */
class OperatorParallelismJobTest {

    private static final int PARALLELISM = 2;
    private static final WindowedCountJob.Settings SETTINGS =
            new WindowedCountJob.Settings(10_000, 13, 1, 5, 50, 4_000);

    @org.junit.jupiter.api.io.TempDir
    Path storageDir;

    private final List<DataPlane> planes = new ArrayList<>();

    @AfterEach
    void closePlanes() {
        planes.forEach(DataPlane::close);
    }

    @ParameterizedTest(name = "remote channels: {0}")
    @ValueSource(booleans = {false, true})
    void narrowAndWideOperatorsCheckpointAndProduceExactlyTheExpectedOutput(boolean remote) throws Exception {
        Queue<String> counts = new ConcurrentLinkedQueue<>();
        Queue<String> windows = new ConcurrentLinkedQueue<>();
        JobGraph shape = new JobGraph(job(counts, windows));
        assertThat(shape.vertices()).extracting(JobGraph.JobVertex::name, JobGraph.JobVertex::parallelism)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("numbers", 1),
                        org.assertj.core.groups.Tuple.tuple("spread", 2),
                        org.assertj.core.groups.Tuple.tuple("count", 2),
                        org.assertj.core.groups.Tuple.tuple("count-sink", 1),
                        org.assertj.core.groups.Tuple.tuple("window-count-sum", 2),
                        org.assertj.core.groups.Tuple.tuple("window-sink", 1));
        Set<ExecutionVertexId> everySubtask = Set.copyOf(JobTopology.of(shape, PARALLELISM, 128).subtasks());
        assertThat(everySubtask).hasSize(9);

        CountingTaskListener listener = new CountingTaskListener(everySubtask.size());
        ProcessingTimeService timeService = new SystemProcessingTimeService();
        List<ExecutionAttempt> attempts = attempts(remote, listener, timeService, () -> job(counts, windows));
        listener.runToEnd(attempts, timeService, Duration.ofSeconds(60), () -> {
            checkpoint(attempts, listener, new CheckpointBarrier(1, System.currentTimeMillis(), CheckpointType.CHECKPOINT),
                    everySubtask);
            checkpoint(attempts, listener, new CheckpointBarrier(2, System.currentTimeMillis(), CheckpointType.CHECKPOINT,
                    AlignmentType.UNALIGNED, CheckpointBarrier.NO_TIMEOUT), everySubtask);
        });

        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(counts, SETTINGS.records(), SETTINGS.keys());
        assertThat(report.isExactlyOnce()).as("%s", report).isTrue();
        assertThat(report.lines()).isEqualTo(SETTINGS.records());
        assertThat(windows.stream().sorted().toList()).isEqualTo(expectedWindows(SETTINGS).stream().sorted().toList());
    }

    /**
     * With more entries than {@link dev.weir.runtime.state.HeapKeyedStateBackend#PREFETCH_MIN_ENTRIES}
     * per subtask the count's task switches, mid-run, to processing its batches in prefetched groups
     * (InputStreamTask.processPrefetched), with the records' timestamps: every record is still
     * counted once, in order per key.
     */
    @org.junit.jupiter.api.Test
    void keyedStateLargeEnoughToBePrefetchedCountsEveryRecordOnce() throws Exception {
        long keys = 300_000;
        long records = 420_000;
        assertThat(keys / PARALLELISM).isGreaterThan(dev.weir.runtime.state.HeapKeyedStateBackend.PREFETCH_MIN_ENTRIES);
        Queue<String> counts = new ConcurrentLinkedQueue<>();
        java.util.function.Supplier<StreamEnvironment> job = () -> {
            StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
            env.fromSource(GeneratorSource.sequence(records),
                            WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ZERO).withTimestampAssigner(i -> i),
                            "numbers")
                    .setParallelism(1).returns(Types.LONG)
                    .keyBy(i -> KeyedCountJob.keyOf(i, keys), Types.LONG)
                    .process(new CountSumLines()).uid("count").setParallelism(2).returns(Types.STRING)
                    .sinkTo(collecting(counts)).uid("count-sink").setParallelism(1);
            return env;
        };
        CountingTaskListener listener = new CountingTaskListener(
                JobTopology.of(new JobGraph(job.get()), PARALLELISM, 128).subtasks().size());
        ProcessingTimeService timeService = new SystemProcessingTimeService();
        listener.runToEnd(attempts(false, listener, timeService, job), timeService, Duration.ofSeconds(60));

        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(counts, records, keys);
        assertThat(report.isExactlyOnce()).as("%s", report).isTrue();
        assertThat(report.lines()).isEqualTo(records);
    }

    /**
     * The source goes idle as it ends (its last watermark tick finds no split left: with a tick per
     * poll, always) and the windows' aggregation before the shuffle still holds accumulators then.
     * They must go out before the idle status: a window subtask leaves an idle channel out of its
     * watermark, so the other channel's end of input would fire the windows before they arrive, and
     * they would be dropped as late (windows short of a few records: found by
     * OperatorParallelismWorkerKillIT). Whether the other channel gets there first is a race, so
     * it runs several times.
     */
    @org.junit.jupiter.api.RepeatedTest(10)
    void aSourceGoingIdleAsItEndsLeavesNoRecordBehindTheWindowsWatermark() throws Exception {
        WindowedCountJob.Settings settings = new WindowedCountJob.Settings(20_000, 10, 1, 5, 100, 0);
        Queue<String> windows = new ConcurrentLinkedQueue<>();
        java.util.function.Supplier<StreamEnvironment> job = () -> {
            StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
            DataStream<Long> spread = env.fromSource(GeneratorSource.sequence(settings.records()),
                            WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ofMillis(settings.disorderMs()))
                                    .withTimestampAssigner(settings::eventTime)
                                    .withAutoWatermarkInterval(Duration.ofNanos(1)),
                            "numbers")
                    .setParallelism(1).returns(Types.LONG)
                    .map(i -> i).uid("spread").setParallelism(2).returns(Types.LONG);
            WindowedCountJob.counts(spread, settings).map(WindowedCountResult::toString).uid("window-text")
                    .returns(Types.STRING)
                    .sinkTo(collecting(windows)).uid("window-sink").setParallelism(1);
            return env;
        };
        CountingTaskListener listener = new CountingTaskListener(
                JobTopology.of(new JobGraph(job.get()), PARALLELISM, 128).subtasks().size());
        ProcessingTimeService timeService = new SystemProcessingTimeService();
        listener.runToEnd(attempts(false, listener, timeService, job), timeService, Duration.ofSeconds(60));

        assertThat(windows.stream().sorted().toList()).isEqualTo(expectedWindows(settings).stream().sorted().toList());
    }

    private static StreamEnvironment job(Queue<String> counts, Queue<String> windows) {
        StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
        long keys = SETTINGS.keys();
        DataStream<Long> spread = env.fromSource(GeneratorSource.sequence(SETTINGS.records())
                                .withRateLimit(SETTINGS.rate()),
                        WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ofMillis(SETTINGS.disorderMs()))
                                .withTimestampAssigner(SETTINGS::eventTime), "numbers")
                .setParallelism(1).returns(Types.LONG)
                .map(i -> i).uid("spread").setParallelism(2).returns(Types.LONG);
        spread.keyBy(i -> KeyedCountJob.keyOf(i, keys), Types.LONG)
                .process(new CountSumLines()).uid("count").setParallelism(2).returns(Types.STRING)
                .sinkTo(collecting(counts)).uid("count-sink").setParallelism(1);
        WindowedCountJob.counts(spread, SETTINGS).map(WindowedCountResult::toString).uid("window-text")
                .returns(Types.STRING)
                .sinkTo(collecting(windows)).uid("window-sink").setParallelism(1);
        return env;
    }

    private List<ExecutionAttempt> attempts(boolean remote, CountingTaskListener listener,
                                            ProcessingTimeService timeService,
                                            java.util.function.Supplier<StreamEnvironment> job) throws Exception {
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storageDir), "weir");
        ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings("widths", PARALLELISM, 128, 1,
                CheckpointingMode.EXACTLY_ONCE, 64);
        List<ExecutionAttempt> attempts = new ArrayList<>();
        if (remote) {
            planes.addAll(TestDataPlanes.connected(PARALLELISM, "test-token"));
        }
        ChannelFactory local = new LocalChannelFactory(4);
        for (int worker = 0; worker < (remote ? PARALLELISM : 1); worker++) {
            Set<Integer> subtasks = remote ? Set.of(worker) : Set.of(0, 1);
            Map<Integer, JobGraph> graphs = new HashMap<>();
            for (int subtask : subtasks) {
                graphs.put(subtask, new JobGraph(job.get()));
            }
            JobGraph graph = graphs.values().iterator().next();
            ChannelFactory channels = remote ? new RemoteChannelFactory(planes.get(worker), worker, graph, PARALLELISM, 4)
                    : local;
            Function<ExecutionVertexId, TaskEnvironment> environment =
                    vertex -> new TaskEnvironment("widths", vertex, PARALLELISM, 128, 1,
                            CheckpointingMode.EXACTLY_ONCE, storage, Runnable::run, timeService, listener, null, 64,
                            new JobMetrics());
            attempts.add(new ExecutionAttempt(settings, graphs, subtasks, channels, environment));
        }
        return attempts;
    }

    /** Triggers {@code barrier} at the sources and waits until every subtask acknowledged it. */
    private static void checkpoint(List<ExecutionAttempt> attempts, CountingTaskListener listener,
                                   CheckpointBarrier barrier, Set<ExecutionVertexId> everySubtask)
            throws InterruptedException {
        attempts.forEach(a -> a.triggerCheckpoint(barrier));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (acknowledged(listener, barrier.checkpointId()).size() < everySubtask.size()
                && listener.failures.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(acknowledged(listener, barrier.checkpointId())).as("subtasks acknowledging checkpoint %d",
                barrier.checkpointId()).containsExactlyInAnyOrderElementsOf(everySubtask);
    }

    private static Set<ExecutionVertexId> acknowledged(CountingTaskListener listener, long checkpointId) {
        return listener.acknowledgements.stream().filter(a -> a.checkpointId() == checkpointId)
                .map(TaskAcknowledgement::vertex).collect(Collectors.toSet());
    }

    private static List<String> expectedWindows(WindowedCountJob.Settings settings) {
        return WindowedCountVerifier.expectedLines(settings.records(), settings.keys(), settings.stepMs(),
                settings.disorderMs(), settings.windowMs());
    }

    private static Sink<String> collecting(Queue<String> collected) {
        return context -> new SinkWriter<>() {
            @Override
            public void write(String record) {
                collected.add(record);
            }

            @Override
            public byte[] snapshotState(long checkpointId) {
                return new byte[0];
            }
        };
    }
}
