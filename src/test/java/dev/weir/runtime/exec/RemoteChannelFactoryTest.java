package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.network.OutputChannel;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.remote.DataPlane;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/** Two workers in one JVM, each with its own data plane, run a keyed job at parallelism 2. */
class RemoteChannelFactoryTest {

    private static final int PARALLELISM = 2;
    private static final long RECORDS = 20_000;

    @TempDir
    Path storageDir;

    private final List<DataPlane> planes = new ArrayList<>();

    @AfterEach
    void closePlanes() {
        planes.forEach(DataPlane::close);
    }

    @Test
    void keyedJobAcrossTwoWorkersDeliversEveryRecordExactlyOnce() throws Exception {
        runAndCheck(stream -> stream.returns(Types.LONG));
    }

    @Test
    void streamWithoutDeclaredSerializerFallsBackToJavaSerialization() throws Exception {
        runAndCheck(stream -> {});
    }

    @Test
    void nonSerializableRecordFailsNamingTheOperator() throws Exception {
        connectPlanes();
        StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
        env.fromSource(GeneratorSource.sequence(10), "generator")
                .map(i -> new Object())
                .uid("to-opaque")
                .keyBy(Object::hashCode, Types.INT)
                .process(new PassThrough<>())
                .uid("pass")
                .sinkTo(new CollectingSink<>(new ConcurrentLinkedQueue<>()))
                .uid("sink");
        JobGraph graph = new JobGraph(env);
        RemoteChannelFactory factory = new RemoteChannelFactory(planes.get(0), 0, graph, PARALLELISM, 2);
        OutputChannel out = factory.outputChannel(graph.edges().get(0), 0, 1);
        RecordBatch batch = out.newBatch(1);
        batch.add(new Object());

        assertThatThrownBy(() -> out.send(batch))
                .isInstanceOfSatisfying(dev.weir.runtime.dataflow.UnrecoverableJobException.class,
                        e -> assertThat(e.kind()).isEqualTo(dev.weir.runtime.dataflow.UnrecoverableJobException.Kind.SERIALIZATION))
                .hasMessageContaining("operator 'to-opaque'")
                .hasMessageContaining("not Serializable");
    }

    @Test
    void channelIdsAreDistinctAndAgreeAcrossWorkers() throws Exception {
        connectPlanes();
        JobGraph first = graph(new ConcurrentLinkedQueue<>(), stream -> {});
        JobGraph second = graph(new ConcurrentLinkedQueue<>(), stream -> {});
        RemoteChannelFactory worker0 = new RemoteChannelFactory(planes.get(0), 0, first, 3, 2);
        RemoteChannelFactory worker1 = new RemoteChannelFactory(planes.get(1), 1, second, 3, 2);
        Set<Integer> ids = new java.util.HashSet<>();
        for (int p = 0; p < 3; p++) {
            for (int c = 0; c < 3; c++) {
                int id = worker0.channelId(first.edges().get(0), p, c);
                assertThat(worker1.channelId(second.edges().get(0), p, c)).isEqualTo(id);
                assertThat(ids.add(id)).as("id of %d->%d is unique", p, c).isTrue();
            }
        }
    }

    private void runAndCheck(Consumer<DataStream<Long>> declareSerializer) throws Exception {
        connectPlanes();
        Queue<long[]> collected = new ConcurrentLinkedQueue<>();
        CountingTaskListener listener = new CountingTaskListener(2 * PARALLELISM);
        ProcessingTimeService timeService = new SystemProcessingTimeService();
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storageDir), "weir");
        ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings("remote", PARALLELISM, 128, 1,
                CheckpointingMode.EXACTLY_ONCE, 64);
        List<ExecutionAttempt> attempts = new ArrayList<>();
        for (int worker = 0; worker < PARALLELISM; worker++) {
            JobGraph graph = graph(collected, declareSerializer);
            RemoteChannelFactory channels = new RemoteChannelFactory(planes.get(worker), worker, graph, PARALLELISM, 4);
            attempts.add(new ExecutionAttempt(settings, Map.of(worker, graph), Set.of(worker), channels,
                    vertex -> new TaskEnvironment("remote", vertex, PARALLELISM, 128, 1, CheckpointingMode.EXACTLY_ONCE,
                            storage, Runnable::run, timeService, listener, null, 64, new JobMetrics())));
        }
        listener.runToEnd(attempts, timeService, Duration.ofSeconds(30));

        Map<Long, Integer> sinkOf = new HashMap<>();
        for (long[] record : collected) {
            assertThat(sinkOf.put(record[1], (int) record[0])).as("record %d delivered once", record[1]).isNull();
        }
        assertThat(sinkOf.keySet()).containsExactlyInAnyOrderElementsOf(LongStream.range(0, RECORDS).boxed().toList());
        assertThat(sinkOf.values()).as("both sink subtasks received records").contains(0, 1);
    }

    private void connectPlanes() throws Exception {
        planes.addAll(TestDataPlanes.connected(PARALLELISM, "test-token"));
    }

    /** generator → keyBy → pass-through → collecting sink; each worker builds its own, like a worker process. */
    private static JobGraph graph(Queue<long[]> collected, Consumer<DataStream<Long>> declareSerializer) {
        StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
        DataStream<Long> numbers = env.fromSource(GeneratorSource.sequence(RECORDS), "generator");
        declareSerializer.accept(numbers);
        numbers.keyBy(i -> i % 101, Types.LONG)
                .process(new PassThrough<>())
                .uid("pass")
                .sinkTo(new CollectingSink<>(collected))
                .uid("sink");
        return new JobGraph(env);
    }

    private static final class PassThrough<K, T> extends KeyedProcessFunction<K, T, T> {
        @Override
        public void processElement(T value, Context<K> context, Collector<T> out) {
            out.collect(value);
        }
    }

    /** Records (sink subtask, value) pairs into a queue shared by the workers of this JVM. */
    private record CollectingSink<T>(Queue<long[]> collected) implements Sink<T> {
        @Override
        public SinkWriter<T> createWriter(dev.weir.runtime.dataflow.SinkContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(T record) {
                    collected.add(new long[] {context.subtask(), (Long) record});
                }

                @Override
                public byte[] snapshotState(long checkpointId) {
                    return new byte[0];
                }
            };
        }
    }
}
