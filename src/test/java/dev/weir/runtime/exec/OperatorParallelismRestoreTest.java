package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.ChannelStateHandle;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.state.serialization.Types;

/**
 * Restoring a job whose operators have parallelisms of their own, changed since the checkpoint:
 * each task's state is assigned at its own parallelism then and now, not the job's.
 */
class OperatorParallelismRestoreTest {

    private static final int KEY_GROUPS = 8;

    /** numbers (source) → count (keyed) → sink, at the given parallelisms in a job of parallelism 2. */
    private static JobGraph job(int source, int count, int sink) {
        StreamEnvironment env = new StreamEnvironment(2, KEY_GROUPS);
        env.fromSource(GeneratorSource.sequence(10), "numbers").setParallelism(source).returns(Types.LONG)
                .keyBy(i -> i % 3, Types.LONG).process(new Echo()).uid("count").setParallelism(count)
                .returns(Types.LONG)
                .sinkTo(new DiscardSink<>()).uid("sink").setParallelism(sink);
        return new JobGraph(env);
    }

    /** A checkpoint of {@code job(1, 2, 1)}: each count subtask had its half of the key groups, in flight records on its input. */
    private static CheckpointMetadata checkpointOfOneTwoOne() {
        Map<String, List<OperatorSubtaskState>> operators = new HashMap<>();
        operators.put("numbers", List.of(new OperatorSubtaskState(0, handle("offsets"), Map.of())));
        List<OperatorSubtaskState> counts = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            Map<Integer, StateHandle> keyGroups = new HashMap<>();
            for (int group = subtask * KEY_GROUPS / 2; group < (subtask + 1) * KEY_GROUPS / 2; group++) {
                keyGroups.put(group, handle("count-" + group));
            }
            counts.add(new OperatorSubtaskState(subtask, null, keyGroups));
        }
        operators.put("count", counts);
        operators.put("sink", List.of(new OperatorSubtaskState(0, handle("transactions"), Map.of())));
        List<ChannelStateHandle> inFlight = new ArrayList<>();
        for (int consumer = 0; consumer < 2; consumer++) {
            inFlight.add(new ChannelStateHandle("numbers->count", 0, consumer, ChannelStateHandle.Kind.INPUT, 3,
                    handle("in-flight-" + consumer)));
        }
        return new CheckpointMetadata(9, false, 1, 2, "widths", 2, KEY_GROUPS, operators,
                Map.of("numbers->count", inFlight, "count->sink", List.of(new ChannelStateHandle("count->sink", 1, 0,
                        ChannelStateHandle.Kind.OUTPUT, 2, handle("to-sink")))));
    }

    @Test
    void aKeyedOperatorNarrowedToOneSubtaskGetsEveryKeyGroupAndPicksItsInFlightRecordsByKeyGroup() {
        Map<ExecutionVertexId, TaskRestore> restores =
                StateAssignment.assign(checkpointOfOneTwoOne(), "chk-9", job(1, 1, 2), KEY_GROUPS);

        assertThat(restores.keySet()).containsExactlyInAnyOrder(new ExecutionVertexId("numbers", 0),
                new ExecutionVertexId("count", 0), new ExecutionVertexId("sink", 0), new ExecutionVertexId("sink", 1));
        TaskRestore count = restores.get(new ExecutionVertexId("count", 0));
        assertThat(count.operator("count").keyGroups()).hasSize(KEY_GROUPS);
        assertThat(count.inFlightData()).hasSize(2);
        assertThat(count.inFlightByKeyGroup()).isTrue();
        // The sink had one subtask: its state goes to new subtask 0, and both see one previous subtask.
        for (int subtask = 0; subtask < 2; subtask++) {
            TaskRestore sink = restores.get(new ExecutionVertexId("sink", subtask));
            assertThat(sink.operator("sink").previousOperatorStates()).containsExactly(handle("transactions"));
        }
        assertThat(restores.get(new ExecutionVertexId("sink", 0)).inFlightData()).extracting(ChannelStateHandle::edge)
                .containsExactly("count->sink");
        assertThat(restores.get(new ExecutionVertexId("sink", 1)).inFlightData()).isEmpty();
    }

    @Test
    void aTaskWhoseParallelismStayedKeepsItsOwnKeyGroupsAndChannelsWhenOthersChanged() {
        Map<ExecutionVertexId, TaskRestore> restores =
                StateAssignment.assign(checkpointOfOneTwoOne(), "chk-9", job(2, 2, 1), KEY_GROUPS);

        for (int subtask = 0; subtask < 2; subtask++) {
            TaskRestore count = restores.get(new ExecutionVertexId("count", subtask));
            assertThat(count.operator("count").keyGroups().keySet())
                    .containsExactlyInAnyOrderElementsOf(range(subtask * 4, subtask * 4 + 4));
            assertThat(count.inFlightByKeyGroup()).isFalse();
            int consumer = subtask;
            assertThat(count.inFlightData()).singleElement().matches(h -> h.consumer() == consumer);
            // The source had one subtask, now two: its one state has one new owner, and both see it.
            assertThat(restores.get(new ExecutionVertexId("numbers", subtask)).operator("numbers")
                    .previousOperatorStates()).containsExactly(handle("offsets"));
        }
    }

    @Test
    void anUnalignedCheckpointWithInFlightRecordsOfAnEdgeThatChainingRemovedIsRefusedPointingToSavepoints() {
        // count and sink both at 1 chain: the edge count->sink, whose in-flight records the checkpoint holds, is gone.
        JobGraph chained = job(2, 1, 1);
        assertThat(chained.edges()).extracting(JobGraph.JobEdge::id).doesNotContain("count->sink");

        assertThatThrownBy(() -> StateAssignment.assign(checkpointOfOneTwoOne(), "chk-9", chained, KEY_GROUPS))
                .hasMessageContaining("in-flight records of the edge 'count->sink', which the job no longer has")
                .hasMessageContaining("savepoint");
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> groups = new ArrayList<>();
        for (int g = from; g < to; g++) {
            groups.add(g);
        }
        return groups;
    }

    private static StateHandle handle(String name) {
        return new StateHandle("chk-9/" + name, 0, 1);
    }

    /** Emits every record. */
    private static final class Echo extends KeyedProcessFunction<Long, Long, Long> {
        @Override
        public void processElement(Long value, Context<Long> context, Collector<Long> out) {
            out.collect(value);
        }
    }
}
