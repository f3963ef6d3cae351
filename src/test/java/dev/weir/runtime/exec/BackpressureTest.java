package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.network.remote.DataPlane;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/**
 * A deliberately slow sink back-pressures an unbounded generator across local and TCP channels:
 * the records between the producers' output and the sink stay within the configured buffers
 * (channels × (capacity + in-progress) × batch), however long the job runs.
 */
class BackpressureTest {

    private static final int PARALLELISM = 2;
    private static final int CAPACITY = 4;
    private static final int BATCH = 64;
    private static final AtomicLong HANDED_TO_NETWORK = new AtomicLong();
    private static final AtomicLong SUNK = new AtomicLong();

    @TempDir
    Path storageDir;

    @Test
    void slowSinkBoundsRecordsInFlightToTheConfiguredBuffers() throws Exception {
        List<DataPlane> planes = TestDataPlanes.connected(PARALLELISM, "token");
        ProcessingTimeService time = new SystemProcessingTimeService();
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storageDir), "weir");
        ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings("slow", PARALLELISM, 128, 1,
                CheckpointingMode.EXACTLY_ONCE, BATCH);
        List<ExecutionAttempt> attempts = new ArrayList<>();
        TaskListener listener = new TaskFailureAsserter();
        for (int worker = 0; worker < PARALLELISM; worker++) {
            JobGraph graph = graph();
            attempts.add(new ExecutionAttempt(settings, Map.of(worker, graph), Set.of(worker),
                    new RemoteChannelFactory(planes.get(worker), worker, graph, PARALLELISM, CAPACITY),
                    vertex -> new TaskEnvironment("slow", vertex, PARALLELISM, 128, 1, CheckpointingMode.EXACTLY_ONCE,
                            storage, Runnable::run, time, listener, null, BATCH, new JobMetrics())));
        }
        // per channel: CAPACITY queued (credits) + one batch being filled + one being processed
        long channels = (long) PARALLELISM * PARALLELISM;
        long bound = channels * (CAPACITY + 2) * BATCH;
        try {
            attempts.forEach(ExecutionAttempt::start);
            long maxInFlight = 0;
            for (int sample = 0; sample < 20; sample++) {
                TimeUnit.MILLISECONDS.sleep(100);
                maxInFlight = Math.max(maxInFlight, HANDED_TO_NETWORK.get() - SUNK.get());
            }
            assertThat(SUNK.get()).as("the sink made progress").isPositive();
            assertThat(HANDED_TO_NETWORK.get()).as("the unbounded source was held back").isLessThan(100_000);
            assertThat(maxInFlight).as("records between producers and the slow sink").isLessThanOrEqualTo(bound);
        } finally {
            attempts.forEach(ExecutionAttempt::cancel);
            planes.forEach(DataPlane::close);
            for (ExecutionAttempt attempt : attempts) {
                assertThat(attempt.awaitTermination(Duration.ofSeconds(10))).isTrue();
            }
            time.close();
        }
    }

    private static JobGraph graph() {
        StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
        env.fromSource(GeneratorSource.sequence(-1), "generator")
                .returns(Types.LONG)
                .map(i -> {
                    HANDED_TO_NETWORK.incrementAndGet();
                    return i;
                })
                .uid("count")
                .returns(Types.LONG)
                .keyBy(i -> i % 97, Types.LONG)
                .process(new KeyedProcessFunction<Long, Long, Long>() {
                    @Override
                    public void processElement(Long value, Context<Long> context, Collector<Long> out) {
                        out.collect(value);
                    }
                })
                .uid("pass")
                .sinkTo(new SlowSink())
                .uid("sink");
        return new JobGraph(env);
    }

    private static final class SlowSink implements Sink<Long> {
        @Override
        public SinkWriter<Long> createWriter(dev.weir.runtime.dataflow.SinkContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Long record) throws InterruptedException {
                    SUNK.incrementAndGet();
                    Thread.sleep(0, 200_000);
                }

                @Override
                public byte[] snapshotState(long checkpointId) {
                    return null;
                }
            };
        }
    }
}
