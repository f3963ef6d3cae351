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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.network.remote.DataPlane;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/**
 * Side outputs through real tasks: a keyed function sends odd numbers to a side output, read both
 * by a sink chained to it and, across a keyBy (in-memory or TCP channels, serialized with the tag's
 * serializer), by another keyed function; the main output carries the even ones.
 */
class SideOutputJobTest {

    private static final int PARALLELISM = 2;
    private static final long RECORDS = 20_000;
    private static final OutputTag<Long> ODD = new OutputTag<>("odd", Types.LONG);

    @TempDir
    Path storageDir;

    private final List<DataPlane> planes = new ArrayList<>();

    @AfterEach
    void closePlanes() {
        planes.forEach(DataPlane::close);
    }

    @ParameterizedTest(name = "remote channels: {0}")
    @ValueSource(booleans = {false, true})
    void sideOutputRecordsReachChainedAndShuffledReadersAndOnlyThem(boolean remote) throws Exception {
        Map<String, Queue<String>> sinks = Map.of("main", new ConcurrentLinkedQueue<>(),
                "odd-chained", new ConcurrentLinkedQueue<>(), "odd-shuffled", new ConcurrentLinkedQueue<>());
        CountingTaskListener listener = new CountingTaskListener(3 * PARALLELISM);
        ProcessingTimeService timeService = new SystemProcessingTimeService();
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storageDir), "weir");
        ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings("side-outputs", PARALLELISM, 128, 1,
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
                graphs.put(subtask, graph(sinks));
            }
            JobGraph graph = graphs.values().iterator().next();
            ChannelFactory channels = remote ? new RemoteChannelFactory(planes.get(worker), worker, graph, PARALLELISM, 4)
                    : local;
            attempts.add(new ExecutionAttempt(settings, graphs, subtasks, channels,
                    vertex -> new TaskEnvironment("side-outputs", vertex, PARALLELISM, 128, 1,
                            CheckpointingMode.EXACTLY_ONCE, storage, Runnable::run, timeService, listener, null, 64,
                            new JobMetrics())));
        }
        listener.runToEnd(attempts, timeService, Duration.ofSeconds(60));

        assertThat(sinks.get("main")).containsExactlyInAnyOrderElementsOf(
                LongStream.range(0, RECORDS).filter(i -> i % 2 == 0).mapToObj(i -> "even:" + i).toList());
        assertThat(sinks.get("odd-chained")).containsExactlyInAnyOrderElementsOf(
                LongStream.range(0, RECORDS).filter(i -> i % 2 == 1).mapToObj(Long::toString).toList());
        assertThat(sinks.get("odd-shuffled")).containsExactlyInAnyOrderElementsOf(
                LongStream.range(0, RECORDS).filter(i -> i % 2 == 1).mapToObj(i -> "odd:" + i).toList());
    }

    @Test
    void onlyProcessFunctionsHaveSideOutputs() {
        StreamEnvironment env = new StreamEnvironment(1, 128);
        DataStream<Long> mapped = env.fromSource(GeneratorSource.sequence(10), "generator").map(i -> i);
        assertThatThrownBy(() -> mapped.getSideOutput(ODD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot have side outputs");
    }

    @Test
    void aSideOutputReadWithTwoSerializersIsRefused() {
        StreamEnvironment env = new StreamEnvironment(1, 128);
        DataStream<String> split = env.fromSource(GeneratorSource.sequence(10), "generator")
                .keyBy(i -> i, Types.LONG).process(new Split());
        split.getSideOutput(ODD);
        OutputTag<Long> other = new OutputTag<>("odd", Types.java(getClass().getClassLoader()));
        assertThatThrownBy(() -> split.getSideOutput(other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two different serializers");
    }

    @Test
    void readingASideOutputChangesTheGraphHashButOlderGraphsKeepTheirs() {
        StreamEnvironment plain = new StreamEnvironment(1, 128);
        plain.fromSource(GeneratorSource.sequence(10), "generator").keyBy(i -> i, Types.LONG).process(new Split())
                .uid("split").sinkTo(new CollectingSink(new ConcurrentLinkedQueue<>())).uid("main");
        assertThat(plain.signature()).isEqualTo("0:generator:SourceKind:-:Forward;1:split:KeyedProcessKind:0:KeyBy;"
                + "2:main:SinkKind:1:Forward;");
        StreamEnvironment withSide = new StreamEnvironment(1, 128);
        DataStream<String> split = withSide.fromSource(GeneratorSource.sequence(10), "generator")
                .keyBy(i -> i, Types.LONG).process(new Split()).uid("split");
        split.sinkTo(new CollectingSink(new ConcurrentLinkedQueue<>())).uid("main");
        split.getSideOutput(ODD).map(String::valueOf).uid("odd-text")
                .sinkTo(new CollectingSink(new ConcurrentLinkedQueue<>())).uid("odd");
        assertThat(withSide.signature()).endsWith("3:sideoutput-3:SideOutputKind:1:Forward:odd;4:odd-text:MapKind:3:Forward;"
                + "5:odd:SinkKind:4:Forward;");
    }

    /** generator → keyBy → split (evens on the main output, odds to the side) → sinks; odds also → keyBy → tag → sink. */
    private static JobGraph graph(Map<String, Queue<String>> sinks) {
        StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
        DataStream<String> split = env.fromSource(GeneratorSource.sequence(RECORDS), "generator")
                .returns(Types.LONG)
                .keyBy(i -> i % 7, Types.LONG)
                .process(new Split())
                .uid("split")
                .returns(Types.STRING);
        split.sinkTo(new CollectingSink(sinks.get("main"))).uid("main");
        DataStream<Long> odd = split.getSideOutput(ODD).uid("odd");
        odd.map(String::valueOf).returns(Types.STRING).uid("odd-text")
                .sinkTo(new CollectingSink(sinks.get("odd-chained"))).uid("odd-chained");
        odd.keyBy(i -> i % 5, Types.LONG)
                .process(new Tag())
                .uid("tag")
                .returns(Types.STRING)
                .sinkTo(new CollectingSink(sinks.get("odd-shuffled"))).uid("odd-shuffled");
        return new JobGraph(env);
    }

    static final class Split extends KeyedProcessFunction<Long, Long, String> {
        @Override
        public void processElement(Long value, Context<Long> context, Collector<String> out) {
            if (value % 2 == 0) {
                out.collect("even:" + value);
            } else {
                context.output(ODD, value);
            }
        }
    }

    static final class Tag extends KeyedProcessFunction<Long, Long, String> {
        @Override
        public void processElement(Long value, Context<Long> context, Collector<String> out) {
            out.collect("odd:" + value);
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
