package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.windowing.SessionWindows;
import dev.weir.runtime.dataflow.windowing.SlidingWindows;
import dev.weir.runtime.dataflow.windowing.TumblingWindows;
import dev.weir.runtime.dataflow.windowing.WindowedStream;
import dev.weir.runtime.state.serialization.Types;

/**
 * Where a window aggregation gets a local stage before the shuffle: an event-time tumbling window,
 * or a sliding one cut into panes, with an exact merge and no lateness or late-data output. The stage
 * is chained to the window's input (the same task, at its parallelism), named after the window
 * operator, and the shuffle carries its accumulators with their keys.
 */
class LocalWindowAggregationGraphTest {

    @Test
    void aTumblingEventTimeWindowWithAnExactMergeAggregatesLocallyInItsInputsTask() {
        JobGraph graph = new JobGraph(job(true, w -> w));

        assertThat(graph.vertices()).extracting(JobGraph.JobVertex::name).containsExactly("generator", "sums");
        assertThat(graph.vertex("generator").chain()).extracting(StreamNode::uid)
                .containsExactly("generator", "double", "sums-local");
        StreamNode local = graph.vertex("generator").chain().get(2);
        assertThat(local.kind()).isInstanceOfSatisfying(StreamNode.LocalWindowAggregateKind.class, kind -> {
            assertThat(kind.slice()).isEqualTo(100);
            assertThat(kind.longKeys()).as("keyed with Types.LONG").isTrue();
        });
        JobGraph.JobEdge shuffle = graph.vertex("sums").input();
        assertThat(shuffle.partitioning()).isInstanceOf(Partitioning.KeyBy.class);
        assertThat(shuffle.sourceNodeId()).isEqualTo(local.id());
    }

    @Test
    void theLocalStageRunsAtItsInputsParallelism() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        env.fromSource(GeneratorSource.sequence(100), WatermarkStrategy.<Long>forMonotonousTimestamps()
                        .withTimestampAssigner(i -> i), "generator").setParallelism(1)
                .keyBy(i -> i % 3, Types.LONG)
                .window(TumblingWindows.ofEventTime(Duration.ofMillis(100)))
                .aggregate(new Sum(), Types.LONG).uid("sums")
                .sinkTo(context -> null).uid("sink");
        JobGraph graph = new JobGraph(env);

        assertThat(graph.vertex("generator").parallelism()).isEqualTo(1);
        assertThat(graph.vertex("generator").chain()).extracting(StreamNode::uid).containsExactly("generator", "sums-local");
        assertThat(graph.vertex("sums").parallelism()).isEqualTo(2);
    }

    @Test
    void aSlidingWindowOfPanesAggregatesPanesLocally() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        numbers(env).keyBy(i -> i % 3, Types.LONG)
                .window(SlidingWindows.ofEventTime(Duration.ofMillis(100), Duration.ofMillis(20)))
                .aggregate(new Sum(), Types.LONG).uid("sums")
                .sinkTo(context -> null).uid("sink");
        StreamNode local = new JobGraph(env).vertex("generator").chain().get(1);

        assertThat(local.kind()).isInstanceOfSatisfying(StreamNode.LocalWindowAggregateKind.class,
                kind -> assertThat(kind.slice()).isEqualTo(20));
    }

    @Test
    void keysOfAnotherTypeAreHeldAsObjects() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        numbers(env).keyBy(i -> "k" + i % 3, Types.STRING)
                .window(TumblingWindows.ofEventTime(Duration.ofMillis(100)))
                .aggregate(new Sum(), Types.LONG).uid("sums")
                .sinkTo(context -> null).uid("sink");
        StreamNode local = new JobGraph(env).vertex("generator").chain().get(1);

        assertThat(local.kind()).isInstanceOfSatisfying(StreamNode.LocalWindowAggregateKind.class,
                kind -> assertThat(kind.longKeys()).isFalse());
    }

    @Test
    void noLocalStageWhereItCouldChangeWhatTheWindowsEmit() {
        assertThat(hasLocalStage(job(false, w -> w))).as("merge not exact").isFalse();
        assertThat(hasLocalStage(job(true, w -> w.localAggregation(false)))).as("turned off").isFalse();
        assertThat(hasLocalStage(job(true, w -> w.allowedLateness(Duration.ofMillis(10))))).as("allowed lateness")
                .isFalse();
        assertThat(hasLocalStage(job(true, w -> w.sideOutputLateData(new OutputTag<>("late", Types.LONG)))))
                .as("late data output").isFalse();

        StreamEnvironment processingTime = new StreamEnvironment(2, 128);
        numbers(processingTime).keyBy(i -> i % 3, Types.LONG)
                .window(TumblingWindows.ofProcessingTime(Duration.ofMillis(100)))
                .aggregate(new Sum(), Types.LONG).uid("sums").sinkTo(context -> null).uid("sink");
        assertThat(hasLocalStage(processingTime)).as("processing time").isFalse();

        StreamEnvironment sessions = new StreamEnvironment(2, 128);
        numbers(sessions).keyBy(i -> i % 3, Types.LONG)
                .window(SessionWindows.ofEventTime(Duration.ofMillis(100)))
                .aggregate(new Sum(), Types.LONG).uid("sums").sinkTo(context -> null).uid("sink");
        assertThat(hasLocalStage(sessions)).as("sessions").isFalse();

        StreamEnvironment union = new StreamEnvironment(2, 128);
        DataStream<Long> numbers = numbers(union);
        numbers.union(numbers(union, "other")).keyBy(i -> i % 3, Types.LONG)
                .window(TumblingWindows.ofEventTime(Duration.ofMillis(100)))
                .aggregate(new Sum(), Types.LONG).uid("sums").sinkTo(context -> null).uid("sink");
        assertThat(hasLocalStage(union)).as("behind a union").isFalse();
    }

    @Test
    void aCheckpointTakenWithALocalStageRestoresWithoutIt() {
        JobGraph without = new JobGraph(job(true, w -> w.localAggregation(false)));
        CheckpointMetadata checkpoint = new CheckpointMetadata(7, false, 1, 2, "sums", 2, 128, Map.of(
                "generator", List.of(new OperatorSubtaskState(0, new StateHandle("chk-7/generator-0", 0, 8), Map.of())),
                "sums-local", List.of(new OperatorSubtaskState(0, null, Map.of()), new OperatorSubtaskState(1, null, Map.of())),
                "sums", List.of(new OperatorSubtaskState(0, null, Map.of(5, new StateHandle("chk-7/sums-0", 0, 42))))));

        var restores = StateAssignment.assign(checkpoint, "chk-7", without, 128);

        assertThat(restores.get(new dev.weir.runtime.checkpoint.ExecutionVertexId("sums", 0)).operator("sums").keyGroups())
                .containsEntry(5, new StateHandle("chk-7/sums-0", 0, 42));
    }

    private static boolean hasLocalStage(StreamEnvironment env) {
        return env.nodes().stream().anyMatch(n -> n.kind() instanceof StreamNode.LocalWindowAggregateKind);
    }

    /** generator → map → keyBy → tumbling 100 ms event-time window summing → sink. */
    private static StreamEnvironment job(boolean exact,
                                         Function<WindowedStream<Long, Long>, WindowedStream<Long, Long>> configure) {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        configure.apply(numbers(env).map(i -> 2 * i).uid("double").returns(Types.LONG)
                        .keyBy(i -> i % 3, Types.LONG)
                        .window(TumblingWindows.ofEventTime(Duration.ofMillis(100))))
                .aggregate(exact ? new Sum() : new InexactSum(), Types.LONG).uid("sums")
                .sinkTo(context -> null).uid("sink");
        return env;
    }

    private static DataStream<Long> numbers(StreamEnvironment env) {
        return numbers(env, "generator");
    }

    private static DataStream<Long> numbers(StreamEnvironment env, String uid) {
        return env.fromSource(GeneratorSource.sequence(100), WatermarkStrategy.<Long>forMonotonousTimestamps()
                .withTimestampAssigner(i -> i), uid).returns(Types.LONG);
    }

    static class InexactSum implements AggregateFunction<Long, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(Long value, Long accumulator) {
            return accumulator + value;
        }

        @Override
        public Long getResult(Long accumulator) {
            return accumulator;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }

    static final class Sum extends InexactSum {
        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }
}
