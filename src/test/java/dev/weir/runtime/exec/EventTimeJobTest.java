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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.network.remote.DataPlane;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/**
 * Event time end to end through real tasks: a generator with per-split bounded out-of-orderness
 * watermarks, a keyBy across channels (in-memory queues, or TCP between two data planes as between
 * worker processes), a keyed function with event-time timers, a sink. Timestamps and watermarks
 * travel in-band; no record may arrive behind the keyed function's watermark; the end of input
 * fires every remaining timer.
 */
class EventTimeJobTest {

    private static final int PARALLELISM = 2;
    private static final long RECORDS = 30_000;
    private static final long KEYS = 13;
    private static final long DISORDER = 40;
    private static final long BUCKET = 100;

    @TempDir
    Path storageDir;

    private final List<DataPlane> planes = new ArrayList<>();

    @AfterEach
    void closePlanes() {
        planes.forEach(DataPlane::close);
    }

    static long eventTime(long i) {
        return i + Math.floorMod(i * 7919, DISORDER + 1);
    }

    @ParameterizedTest(name = "remote channels: {0}")
    @ValueSource(booleans = {false, true})
    void eventTimeTimersFireOnInBandWatermarksAndNoRecordIsLate(boolean remote) throws Exception {
        Queue<String> collected = new ConcurrentLinkedQueue<>();
        CountingTaskListener listener = new CountingTaskListener(2 * PARALLELISM);
        ProcessingTimeService timeService = new SystemProcessingTimeService();
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storageDir), "weir");
        ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings("event-time", PARALLELISM, 128, 1,
                CheckpointingMode.EXACTLY_ONCE, 64);
        List<ExecutionAttempt> attempts = new ArrayList<>();
        ChannelFactory local = new LocalChannelFactory(4);
        if (remote) {
            planes.addAll(TestDataPlanes.connected(PARALLELISM, "test-token"));
        }
        for (int worker = 0; worker < (remote ? PARALLELISM : 1); worker++) {
            Map<Integer, JobGraph> graphs = new HashMap<>();
            Set<Integer> subtasks = remote ? Set.of(worker) : Set.of(0, 1);
            for (int subtask : subtasks) {
                graphs.put(subtask, graph(collected));
            }
            JobGraph graph = graphs.values().iterator().next();
            ChannelFactory channels = remote ? new RemoteChannelFactory(planes.get(worker), worker, graph, PARALLELISM, 4)
                    : local;
            attempts.add(new ExecutionAttempt(settings, graphs, subtasks, channels,
                    vertex -> new TaskEnvironment("event-time", vertex, PARALLELISM, 128, 1,
                            CheckpointingMode.EXACTLY_ONCE, storage, Runnable::run, timeService, listener, null, 64,
                            new JobMetrics())));
        }
        listener.runToEnd(attempts, timeService, Duration.ofSeconds(60));

        Map<String, Long> expected = new HashMap<>();
        for (long i = 0; i < RECORDS; i++) {
            expected.merge(Math.floorMod(i * 31, KEYS) + ":" + (eventTime(i) / BUCKET * BUCKET + BUCKET - 1), i, Long::sum);
        }
        List<String> lines = new ArrayList<>(collected);
        assertThat(lines).as("no record reached the keyed function behind its watermark")
                .noneMatch(l -> l.startsWith("LATE"));
        assertThat(lines).as("the watermark advanced before the end of input")
                .anyMatch(l -> l.contains("@mid"));
        List<String> fired = lines.stream().map(l -> l.replace("@mid", "").replace("@end", "")).toList();
        assertThat(fired).containsExactlyInAnyOrderElementsOf(
                expected.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** generator (event time, per-split watermarks every ms) → keyBy → bucket sums fired by event-time timers → sink. */
    private static JobGraph graph(Queue<String> collected) {
        StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
        env.fromSource(GeneratorSource.sequence(RECORDS),
                        WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ofMillis(DISORDER))
                                .withTimestampAssigner(EventTimeJobTest::eventTime)
                                .withAutoWatermarkInterval(Duration.ofMillis(1)),
                        "generator")
                .returns(Types.LONG)
                .map(i -> i)
                .returns(Types.LONG)
                .keyBy(i -> Math.floorMod(i * 31, KEYS), Types.LONG)
                .process(new BucketSums())
                .uid("buckets")
                .returns(Types.STRING)
                .sinkTo(new CollectingSink(collected))
                .uid("sink");
        return new JobGraph(env);
    }

    /** Sums values per key and bucket of event time; a bucket is emitted when the watermark passes it. */
    static final class BucketSums extends KeyedProcessFunction<Long, Long, String> {
        private MapState<Long, Long> sums;

        @Override
        public void open(RuntimeContext context) {
            sums = context.getState(StateDescriptor.map("sums", Types.LONG, Types.LONG));
        }

        @Override
        public void processElement(Long value, Context<Long> context, Collector<String> out) {
            long timestamp = context.timestamp();
            if (timestamp != eventTime(value)) {
                out.collect("LATE wrong timestamp " + timestamp + " for " + value);
            }
            if (timestamp <= context.timerService().currentWatermark()) {
                out.collect("LATE " + value + " at " + timestamp + " behind " + context.timerService().currentWatermark());
            }
            long end = timestamp / BUCKET * BUCKET + BUCKET - 1;
            Long sum = sums.get(end);
            sums.put(end, (sum == null ? 0 : sum) + value);
            context.timerService().registerEventTimeTimer(end);
        }

        @Override
        public void onTimer(long timestamp, Context<Long> context, Collector<String> out) {
            String when = context.timerService().currentWatermark() == Long.MAX_VALUE ? "@end" : "@mid";
            out.collect(context.getCurrentKey() + ":" + timestamp + "=" + sums.get(timestamp) + when);
            sums.remove(timestamp);
        }
    }

    private record CollectingSink(Queue<String> collected) implements Sink<String> {
        @Override
        public SinkWriter<String> createWriter(dev.weir.runtime.dataflow.SinkContext context) {
            return new SinkWriter<>() {
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
}
