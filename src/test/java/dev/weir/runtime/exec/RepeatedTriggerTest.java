package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/**
 * The coordinator repeats a trigger whose answer came too late (a starved worker); the trigger may
 * have arrived every time. A source task injects each checkpoint's barrier once, so every subtask
 * acknowledges each checkpoint once, and a later checkpoint still goes through.
 */
class RepeatedTriggerTest {

    private static final int PARALLELISM = 2;

    @TempDir
    Path storageDir;

    private final Queue<TaskAcknowledgement> acks = new ConcurrentLinkedQueue<>();

    @Test
    void aRepeatedTriggerInjectsOneBarrier() throws Exception {
        ProcessingTimeService time = new SystemProcessingTimeService();
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(storageDir), "weir");
        ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings("repeated", PARALLELISM, 128, 1,
                CheckpointingMode.EXACTLY_ONCE, 64);
        TaskListener listener = new TaskFailureAsserter() {
            @Override
            public void acknowledgeCheckpoint(TaskAcknowledgement acknowledgement) {
                acks.add(acknowledgement);
            }
        };
        Map<Integer, JobGraph> graphs = Map.of(0, graph(), 1, graph());
        ExecutionAttempt attempt = new ExecutionAttempt(settings, graphs, Set.of(0, 1), new LocalChannelFactory(4),
                vertex -> new TaskEnvironment("repeated", vertex, PARALLELISM, 128, 1, CheckpointingMode.EXACTLY_ONCE,
                        storage, Runnable::run, time, listener, null, 64, new JobMetrics()));
        try {
            attempt.start();
            CheckpointBarrier first = new CheckpointBarrier(1, System.currentTimeMillis(), CheckpointType.CHECKPOINT);
            attempt.triggerCheckpoint(first);
            attempt.triggerCheckpoint(first);
            attempt.triggerCheckpoint(first);
            awaitAcks(1);
            attempt.triggerCheckpoint(new CheckpointBarrier(2, System.currentTimeMillis(), CheckpointType.CHECKPOINT));
            attempt.triggerCheckpoint(first); // a very late repeat of an older trigger
            awaitAcks(2);
            TimeUnit.MILLISECONDS.sleep(300); // room for any duplicate acknowledgement to show up

            for (long checkpoint : List.of(1L, 2L)) {
                List<ExecutionVertexId> acked = acks.stream().filter(a -> a.checkpointId() == checkpoint)
                        .map(TaskAcknowledgement::vertex).toList();
                assertThat(acked).as("subtasks acknowledging checkpoint %d", checkpoint)
                        .hasSize(2 * PARALLELISM).doesNotHaveDuplicates();
            }
        } finally {
            attempt.cancel();
            assertThat(attempt.awaitTermination(Duration.ofSeconds(10))).isTrue();
            time.close();
        }
    }

    private void awaitAcks(long checkpoint) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acks.stream().filter(a -> a.checkpointId() == checkpoint).count() < 2 * PARALLELISM) {
            assertThat(System.nanoTime()).as("all subtasks acknowledged checkpoint %d", checkpoint).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static JobGraph graph() {
        StreamEnvironment env = new StreamEnvironment(PARALLELISM, 128);
        env.fromSource(GeneratorSource.sequence(-1), "generator")
                .returns(Types.LONG)
                .keyBy(i -> i % 97, Types.LONG)
                .process(new KeyedProcessFunction<Long, Long, Long>() {
                    @Override
                    public void processElement(Long value, Context<Long> context, Collector<Long> out) {}
                })
                .uid("drop")
                .returns(Types.LONG)
                .sinkTo(new DiscardSink<>())
                .uid("sink");
        return new JobGraph(env);
    }
}
