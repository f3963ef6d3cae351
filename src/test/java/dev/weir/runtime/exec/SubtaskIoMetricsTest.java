package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.metrics.TaskIoMetrics;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/**
 * Subtasks measure their time as Flink defines it: behind a slow sink the source waits for room in
 * its output channels (back-pressured) while the sink's task is busy; a rate-limited source is
 * mostly idle and its consumers wait for input. Margins are wide: the split is what is checked.
 */
class SubtaskIoMetricsTest {

    private static final int PARALLELISM = 2;

    @TempDir
    Path storageDir;

    @Test
    void aSlowSinkBackPressuresTheSourceAndKeepsItsOwnTaskBusy() throws Exception {
        JobGraph graph = graph(0, 200_000);
        String sourceTask = graph.vertices().get(0).name();
        String sinkTask = graph.vertices().get(1).name();
        Map<ExecutionVertexId, TaskIoMetrics.Sample> samples = runFor(() -> graph(0, 200_000), Duration.ofMillis(1500));

        for (int subtask = 0; subtask < PARALLELISM; subtask++) {
            TaskIoMetrics.Sample source = samples.get(new ExecutionVertexId(sourceTask, subtask));
            TaskIoMetrics.Sample sink = samples.get(new ExecutionVertexId(sinkTask, subtask));
            assertThat(share(source.backPressuredNanos(), source)).as("source %d back-pressured", subtask)
                    .isGreaterThan(0.5);
            assertThat(share(sink.busyNanos(), sink)).as("sink %d busy", subtask).isGreaterThan(0.5);
            assertThat(share(sink.backPressuredNanos(), sink)).as("the sink has no output").isZero();
            assertThat(source.recordsIn()).as("records read by source %d", subtask).isPositive();
            // Counts are published per batch and per flush, so they may lag by a batch or two.
            assertThat(source.recordsOut()).as("what the source read went out")
                    .isCloseTo(source.recordsIn(), org.assertj.core.api.Assertions.within(4L * 64)).isPositive();
            assertThat(sink.recordsOut()).as("a sink's records out are those it wrote")
                    .isCloseTo(sink.recordsIn(), org.assertj.core.api.Assertions.within(4L * 64)).isPositive();
        }
        long sent = total(samples, sourceTask, TaskIoMetrics.Sample::recordsOut);
        long received = total(samples, sinkTask, TaskIoMetrics.Sample::recordsIn);
        assertThat(received).as("records in flight stay within the buffers").isPositive().isLessThanOrEqualTo(sent);
    }

    @Test
    void aRateLimitedSourceIsIdleAndSoAreItsConsumers() throws Exception {
        JobGraph graph = graph(200, 0);
        String sourceTask = graph.vertices().get(0).name();
        String sinkTask = graph.vertices().get(1).name();
        Map<ExecutionVertexId, TaskIoMetrics.Sample> samples = runFor(() -> graph(200, 0), Duration.ofMillis(1500));

        for (int subtask = 0; subtask < PARALLELISM; subtask++) {
            TaskIoMetrics.Sample source = samples.get(new ExecutionVertexId(sourceTask, subtask));
            TaskIoMetrics.Sample sink = samples.get(new ExecutionVertexId(sinkTask, subtask));
            assertThat(share(source.idleNanos(), source)).as("source %d idle", subtask).isGreaterThan(0.5);
            assertThat(share(source.backPressuredNanos(), source)).as("source %d back-pressured", subtask)
                    .isLessThan(0.2);
            assertThat(share(sink.idleNanos(), sink)).as("sink %d idle", subtask).isGreaterThan(0.5);
        }
        assertThat(total(samples, sinkTask, TaskIoMetrics.Sample::recordsIn)).isPositive();
    }

    private Map<ExecutionVertexId, TaskIoMetrics.Sample> runFor(java.util.function.Supplier<JobGraph> graphs,
                                                          Duration duration) throws Exception {
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storageDir), "weir");
        try (ProcessingTimeService time = new SystemProcessingTimeService()) {
            ExecutionAttempt attempt = new ExecutionAttempt(
                    new ExecutionAttempt.Settings("io", PARALLELISM, 128, 1, CheckpointingMode.EXACTLY_ONCE, 64),
                    Map.of(0, graphs.get(), 1, graphs.get()), Set.of(0, 1), new LocalChannelFactory(4),
                    vertex -> new TaskEnvironment("io", vertex, PARALLELISM, 128, 1, CheckpointingMode.EXACTLY_ONCE,
                            storage, Runnable::run, time, new TaskFailureAsserter(), null, 64, new JobMetrics()));
            attempt.start();
            try {
                TimeUnit.MILLISECONDS.sleep(duration.toMillis());
                long now = System.nanoTime();
                Map<ExecutionVertexId, TaskIoMetrics.Sample> samples = new java.util.HashMap<>();
                attempt.taskMetrics().forEach((vertex, io) -> samples.put(vertex, io.sample(now)));
                return samples;
            } finally {
                attempt.cancel();
                assertThat(attempt.awaitTermination(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    private static double share(long nanos, TaskIoMetrics.Sample sample) {
        return sample.runningNanos() == 0 ? 0 : (double) nanos / sample.runningNanos();
    }

    private static long total(Map<ExecutionVertexId, TaskIoMetrics.Sample> samples, String task,
                              java.util.function.ToLongFunction<TaskIoMetrics.Sample> value) {
        return samples.entrySet().stream().filter(e -> e.getKey().taskName().equals(task))
                .mapToLong(e -> value.applyAsLong(e.getValue())).sum();
    }

    /** A generator (unbounded; rate-limited when {@code rate > 0}) → keyBy → a sink sleeping {@code sinkNanos} per record. */
    private static JobGraph graph(double rate, int sinkNanos) {
        StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
        GeneratorSource<Long> source = GeneratorSource.sequence(-1);
        env.fromSource(rate > 0 ? source.withRateLimit(rate) : source, "generator")
                .returns(Types.LONG)
                .keyBy(i -> i % 97, Types.LONG)
                .process(new KeyedProcessFunction<Long, Long, Long>() {
                    @Override
                    public void processElement(Long value, Context<Long> context, Collector<Long> out) {
                        out.collect(value);
                    }
                })
                .uid("pass")
                .sinkTo(new SleepingSink(sinkNanos))
                .uid("sink");
        return new JobGraph(env);
    }

    private record SleepingSink(int nanosPerRecord) implements Sink<Long> {
        @Override
        public SinkWriter<Long> createWriter(dev.weir.runtime.dataflow.SinkContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Long record) throws InterruptedException {
                    if (nanosPerRecord > 0) {
                        TimeUnit.NANOSECONDS.sleep(nanosPerRecord);
                    }
                }

                @Override
                public byte[] snapshotState(long checkpointId) {
                    return null;
                }
            };
        }
    }
}
