package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.CoMapFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.ProcessJoinFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.dataflow.windowing.TumblingWindows;
import dev.weir.runtime.network.remote.DataPlane;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/**
 * Tasks of several input edges through real tasks and channels (in memory, or TCP between two
 * "workers"): a union of two sources and of two branches of one source task, a non-keyed
 * connect, a keyed connect whose two inputs share keyed state and timers, and an interval join,
 * a window join and a window coGroup checked against what a brute force finds.
 */
class TwoInputJobTest {

    private static final int PARALLELISM = 2;
    private static final long RECORDS = 6_000;

    @TempDir
    Path storageDir;

    private final List<DataPlane> planes = new ArrayList<>();

    @AfterEach
    void closePlanes() {
        planes.forEach(DataPlane::close);
    }

    @ParameterizedTest(name = "remote channels: {0}")
    @ValueSource(booleans = {false, true})
    void unionFeedsEveryInputsRecordsToOneOperatorInput(boolean remote) throws Exception {
        Queue<String> out = new ConcurrentLinkedQueue<>();
        run(remote, 3, () -> {
            StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
            DataStream<Long> a = env.fromSource(GeneratorSource.sequence(RECORDS), "a").returns(Types.LONG);
            DataStream<Long> b = env.fromSource(GeneratorSource.sequence(RECORDS), "b").returns(Types.LONG);
            // Two branches of one task, unioned with a stream of another: three edges into one task.
            DataStream<Long> evens = a.filter(i -> i % 2 == 0).uid("evens");
            DataStream<Long> odds = a.filter(i -> i % 2 == 1).uid("odds");
            evens.union(odds, b.map(i -> -i - 1).returns(Types.LONG).uid("negated"))
                    .keyBy(i -> i % 10, Types.LONG)
                    .process(new Count()).uid("count").returns(Types.STRING)
                    .sinkTo(new CollectingSink(out)).uid("sink");
            return env;
        });
        Map<Long, Long> expected = new TreeMap<>();
        LongStream.range(0, RECORDS).forEach(i -> {
            expected.merge(i % 10, 1L, Long::sum);
            expected.merge((-i - 1) % 10, 1L, Long::sum);
        });
        assertThat(out).containsExactlyInAnyOrderElementsOf(
                expected.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    @ParameterizedTest(name = "remote channels: {0}")
    @ValueSource(booleans = {false, true})
    void connectedStreamsReachTheirOwnInputOfTheFunction(boolean remote) throws Exception {
        Queue<String> out = new ConcurrentLinkedQueue<>();
        run(remote, 3, () -> {
            StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
            DataStream<Long> numbers = env.fromSource(GeneratorSource.sequence(RECORDS), "numbers").returns(Types.LONG);
            DataStream<String> words = env.fromSource(new GeneratorSource<>(RECORDS / 2, i -> "w" + i), "words")
                    .returns(Types.STRING);
            numbers.connect(words).map(new CoMapFunction<Long, String, String>() {
                @Override
                public String map1(Long value) {
                    return "n" + value;
                }

                @Override
                public String map2(String value) {
                    return value;
                }
            }).uid("tag").returns(Types.STRING).sinkTo(new CollectingSink(out)).uid("sink");
            return env;
        });
        List<String> expected = new ArrayList<>();
        LongStream.range(0, RECORDS).forEach(i -> expected.add("n" + i));
        LongStream.range(0, RECORDS / 2).forEach(i -> expected.add("w" + i));
        assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "remote channels: {0}")
    @ValueSource(booleans = {false, true})
    void keyedConnectSharesKeyedStateAndTimersAcrossBothInputs(boolean remote) throws Exception {
        Queue<String> out = new ConcurrentLinkedQueue<>();
        run(remote, 3, () -> {
            StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
            DataStream<Long> data = env.fromSource(GeneratorSource.sequence(RECORDS), "data").returns(Types.LONG);
            DataStream<Long> control = env.fromSource(GeneratorSource.sequence(RECORDS / 3), "control")
                    .returns(Types.LONG);
            data.keyBy(i -> i % 7, Types.LONG)
                    .connect(control.keyBy(i -> (i * 3) % 7, Types.LONG))
                    .process(new CountBoth()).uid("count-both").returns(Types.STRING)
                    .sinkTo(new CollectingSink(out)).uid("sink");
            return env;
        });
        Map<Long, long[]> expected = new TreeMap<>();
        LongStream.range(0, RECORDS).forEach(i -> expected.computeIfAbsent(i % 7, k -> new long[2])[0]++);
        LongStream.range(0, RECORDS / 3).forEach(i -> expected.computeIfAbsent((i * 3) % 7, k -> new long[2])[1]++);
        assertThat(out).containsExactlyInAnyOrderElementsOf(expected.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()[0] + "/" + e.getValue()[1]).toList());
    }

    @ParameterizedTest(name = "remote channels: {0}")
    @ValueSource(booleans = {false, true})
    void intervalJoinEmitsExactlyThePairsInTheInterval(boolean remote) throws Exception {
        Queue<String> out = new ConcurrentLinkedQueue<>();
        long leftRecords = 3_000;
        long rightRecords = 2_000;
        run(remote, 3, () -> {
            StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
            DataStream<Long> left = leftSource(env, leftRecords);
            DataStream<Long> right = rightSource(env, rightRecords);
            left.keyBy(i -> i % 5, Types.LONG)
                    .intervalJoin(right.keyBy(i -> i % 5, Types.LONG))
                    .between(Duration.ofMillis(-4), Duration.ofMillis(7))
                    .process(new ProcessJoinFunction<Long, Long, String>() {
                        @Override
                        public void processElement(Long l, Long r, Context context, Collector<String> collector) {
                            collector.collect(l + "," + r + "@" + context.timestamp());
                        }
                    }).uid("join").returns(Types.STRING)
                    .sinkTo(new CollectingSink(out)).uid("sink");
            return env;
        });
        List<String> expected = new ArrayList<>();
        for (long l = 0; l < leftRecords; l++) {
            for (long r = 0; r < rightRecords; r++) {
                long lt = leftTime(l);
                long rt = rightTime(r);
                if (l % 5 == r % 5 && rt >= lt - 4 && rt <= lt + 7) {
                    expected.add(l + "," + r + "@" + Math.max(lt, rt));
                }
            }
        }
        assertThat(expected).hasSizeGreaterThan(1_000);
        assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "remote channels: {0}")
    @ValueSource(booleans = {false, true})
    void windowJoinAndCoGroupEmitWhatABruteForceFindsPerKeyAndWindow(boolean remote) throws Exception {
        Queue<String> out = new ConcurrentLinkedQueue<>();
        long leftRecords = 3_000;
        long rightRecords = 2_000;
        long size = 20;
        run(remote, 4, () -> {
            StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
            DataStream<Long> left = leftSource(env, leftRecords);
            DataStream<Long> right = rightSource(env, rightRecords);
            left.join(right).where(l -> l % 5, Types.LONG).equalTo(r -> r % 5)
                    .window(TumblingWindows.ofEventTime(Duration.ofMillis(size)))
                    .apply((Long l, Long r) -> "join " + l + "," + r).uid("join").returns(Types.STRING)
                    .sinkTo(new CollectingSink(out)).uid("join-sink");
            left.coGroup(right).where(l -> l % 5, Types.LONG).equalTo(r -> r % 7)
                    .window(TumblingWindows.ofEventTime(Duration.ofMillis(size)))
                    .apply((Iterable<Long> ls, Iterable<Long> rs, Collector<String> collector) ->
                            collector.collect("group " + sorted(ls) + "|" + sorted(rs)))
                    .uid("co-group").returns(Types.STRING)
                    .sinkTo(new CollectingSink(out)).uid("co-group-sink");
            return env;
        });
        List<String> expected = new ArrayList<>();
        Map<String, List<List<Long>>> groups = new TreeMap<>();
        for (long l = 0; l < leftRecords; l++) {
            long window = Math.floorDiv(leftTime(l), size);
            groups.computeIfAbsent(l % 5 + "@" + window, k -> List.of(new ArrayList<>(), new ArrayList<>())).get(0).add(l);
            for (long r = 0; r < rightRecords; r++) {
                if (l % 5 == r % 5 && window == Math.floorDiv(rightTime(r), size)) {
                    expected.add("join " + l + "," + r);
                }
            }
        }
        for (long r = 0; r < rightRecords; r++) {
            long window = Math.floorDiv(rightTime(r), size);
            groups.computeIfAbsent(r % 7 + "@" + window, k -> List.of(new ArrayList<>(), new ArrayList<>())).get(1).add(r);
        }
        groups.values().forEach(sides -> expected.add("group " + sides.get(0) + "|" + sides.get(1)));
        assertThat(expected).hasSizeGreaterThan(3_000);
        assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static List<Long> sorted(Iterable<Long> values) {
        List<Long> list = new ArrayList<>();
        values.forEach(list::add);
        list.sort(null);
        return list;
    }

    /** Longs from 0 at {@link #leftTime}, out of order by up to 9 ms. */
    private static DataStream<Long> leftSource(StreamEnvironment env, long records) {
        return env.fromSource(GeneratorSource.sequence(records), WatermarkStrategy.<Long>forBoundedOutOfOrderness(
                Duration.ofMillis(9)).withTimestampAssigner(TwoInputJobTest::leftTime), "left").returns(Types.LONG);
    }

    /** Longs from 0 at {@link #rightTime}, out of order by up to 13 ms. */
    private static DataStream<Long> rightSource(StreamEnvironment env, long records) {
        return env.fromSource(GeneratorSource.sequence(records), WatermarkStrategy.<Long>forBoundedOutOfOrderness(
                Duration.ofMillis(13)).withTimestampAssigner(TwoInputJobTest::rightTime), "right").returns(Types.LONG);
    }

    private static long leftTime(long i) {
        return i * 2 + (i * 7919) % 10;
    }

    private static long rightTime(long i) {
        return i * 3 + (i * 104729) % 14;
    }

    @Test
    void unionAndConnectGiveOneEdgePerInputAndLeaveOlderGraphsAsTheyWere() {
        StreamEnvironment env = new StreamEnvironment(1, 128);
        DataStream<Long> a = env.fromSource(GeneratorSource.sequence(10), "a");
        DataStream<Long> b = env.fromSource(GeneratorSource.sequence(10), "b");
        a.union(b).keyBy(i -> i, Types.LONG).connect(a.keyBy(i -> i, Types.LONG)).process(new CountBoth()).uid("both")
                .sinkTo(new CollectingSink(new ConcurrentLinkedQueue<>())).uid("sink");
        assertThat(env.signature()).isEqualTo("0:a:SourceKind:-:Forward;1:b:SourceKind:-:Forward;"
                + "2:union-2:UnionKind:0:Forward+1:Forward:0;3:both:KeyedCoProcessKind:2:KeyBy+0:KeyBy:1;"
                + "4:sink:SinkKind:3:Forward;");
        JobGraph graph = new JobGraph(env);
        assertThat(graph.vertices()).extracting(JobGraph.JobVertex::name).containsExactly("a", "b", "both");
        assertThat(graph.vertex("both").inputs()).extracting(JobGraph.JobEdge::id, JobGraph.JobEdge::operatorInput)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a->both", 0),
                        org.assertj.core.groups.Tuple.tuple("b->both#1", 0),
                        org.assertj.core.groups.Tuple.tuple("a->both#2", 1));
        assertThat(JobTopology.of(graph, 1, 128).vertices().get(2).inputs()).containsExactly(
                new JobTopology.Input("a", "key-by"), new JobTopology.Input("b", "key-by"),
                new JobTopology.Input("a", "key-by"));
    }

    @Test
    void aStreamOfAnotherJobCannotBeUnionedOrConnected() {
        DataStream<Long> a = new StreamEnvironment(1, 128).fromSource(GeneratorSource.sequence(10), "a");
        DataStream<Long> other = new StreamEnvironment(1, 128).fromSource(GeneratorSource.sequence(10), "b");
        assertThatThrownBy(() -> a.union(other)).hasMessageContaining("same job");
        assertThatThrownBy(() -> a.connect(other)).hasMessageContaining("same job");
    }

    private void run(boolean remote, int tasks, java.util.function.Supplier<StreamEnvironment> job) throws Exception {
        CountingTaskListener listener = new CountingTaskListener(tasks * PARALLELISM);
        ProcessingTimeService timeService = new SystemProcessingTimeService();
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storageDir), "weir");
        ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings("two-inputs", PARALLELISM, 128, 1,
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
                graphs.put(subtask, new JobGraph(job.get()));
            }
            JobGraph graph = graphs.values().iterator().next();
            assertThat(graph.vertices()).hasSize(tasks);
            ChannelFactory channels = remote ? new RemoteChannelFactory(planes.get(worker), worker, graph, PARALLELISM, 4)
                    : local;
            Function<dev.weir.runtime.checkpoint.ExecutionVertexId, TaskEnvironment> environment =
                    vertex -> new TaskEnvironment("two-inputs", vertex, PARALLELISM, 128, 1,
                            CheckpointingMode.EXACTLY_ONCE, storage, Runnable::run, timeService, listener, null, 64,
                            new JobMetrics());
            attempts.add(new ExecutionAttempt(settings, graphs, subtasks, channels, environment));
        }
        listener.runToEnd(attempts, timeService, Duration.ofSeconds(60));
    }

    /** Counts records per key and emits {@code key=count} at the end of input. */
    static final class Count extends KeyedProcessFunction<Long, Long, String> {
        private ValueState<Long> count;

        @Override
        public void open(RuntimeContext context) {
            count = context.getState(StateDescriptor.value("count", Types.LONG));
        }

        @Override
        public void processElement(Long value, Context<Long> context, Collector<String> out) {
            Long seen = count.value();
            count.update(seen == null ? 1 : seen + 1);
            context.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
        }

        @Override
        public void onTimer(long timestamp, Context<Long> context, Collector<String> out) {
            out.collect(context.getCurrentKey() + "=" + count.value());
        }
    }

    /**
     * Counts each input's records per key in one state: both inputs see the same key's state, and the
     * timer either registers fires once per key (at the final watermark) with both counts.
     */
    static final class CountBoth extends KeyedCoProcessFunction<Long, Long, Long, String> {
        private ValueState<long[]> counts;

        @Override
        public void open(RuntimeContext context) {
            counts = context.getState(StateDescriptor.value("counts", Types.LONG_ARRAY));
        }

        @Override
        public void processElement1(Long value, KeyedProcessFunction.Context<Long> context, Collector<String> out) {
            add(0, context);
        }

        @Override
        public void processElement2(Long value, KeyedProcessFunction.Context<Long> context, Collector<String> out) {
            add(1, context);
        }

        private void add(int input, KeyedProcessFunction.Context<Long> context) {
            long[] current = counts.value();
            long[] next = current == null ? new long[2] : current.clone();
            next[input]++;
            counts.update(next);
            context.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
        }

        @Override
        public void onTimer(long timestamp, KeyedProcessFunction.Context<Long> context, Collector<String> out) {
            long[] current = counts.value();
            out.collect(context.getCurrentKey() + ":" + current[0] + "/" + current[1]);
        }
    }

    private record CollectingSink(Queue<String> collected) implements Sink<String> {
        @Override
        public SinkWriter<String> createWriter(SinkContext context) {
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
