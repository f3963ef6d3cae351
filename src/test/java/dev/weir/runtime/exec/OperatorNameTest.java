package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.state.serialization.Types;

/**
 * {@code name(...)} is what an operator is shown as; {@code uid(...)} is its state's identity. A
 * job whose operators were renamed has the same graph hash and restores the same state.
 */
class OperatorNameTest {

    @Test
    void namesAreShownInTheTopologyAndDefaultToTheUid() {
        JobTopology topology = JobTopology.of(new JobGraph(job("Read numbers", "Count per key", null)), 2, 128);

        assertThat(topology.vertices()).extracting(JobTopology.Vertex::name).containsExactly("generator", "count");
        assertThat(topology.vertices()).extracting(JobTopology.Vertex::displayName)
                .containsExactly("Read numbers", "Count per key -> sink-2");
        assertThat(topology.vertices().get(1).operators()).containsExactly("count", "sink-2");
    }

    @Test
    void renamingKeepsTheGraphHashAndTheStateAssignment() {
        JobGraph before = new JobGraph(job("Read numbers", "Count per key", "Print"));
        JobGraph renamed = new JobGraph(job("Numbers", "Keyed count", "Output"));
        CheckpointMetadata checkpoint = new CheckpointMetadata(7, false, 1, 2, "counts", 1, 128, Map.of(
                "count", List.of(new OperatorSubtaskState(0, null, Map.of(5, new StateHandle("chk-7/count-0", 0, 42))))));

        assertThat(JobTopology.of(renamed, 2, 128).graphHash()).isEqualTo(JobTopology.of(before, 2, 128).graphHash());
        Map<ExecutionVertexId, TaskRestore> restores = StateAssignment.assign(checkpoint, "chk-7", renamed, 128);
        assertThat(restores.get(new ExecutionVertexId("count", 0)).operator("count").keyGroups())
                .containsEntry(5, new StateHandle("chk-7/count-0", 0, 42));
    }

    @Test
    void changingAUidChangesTheGraphHashAndOrphansItsState() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        env.fromSource(GeneratorSource.sequence(10), "generator").keyBy(i -> i % 3, Types.LONG).process(new Count())
                .uid("tally").sinkTo(context -> null).uid("sink");
        JobGraph otherUid = new JobGraph(env);
        CheckpointMetadata checkpoint = new CheckpointMetadata(7, false, 1, 2, "counts", 1, 128, Map.of(
                "count", List.of(new OperatorSubtaskState(0, null, Map.of(5, new StateHandle("chk-7/count-0", 0, 42))))));

        assertThat(JobTopology.of(otherUid, 2, 128).graphHash())
                .isNotEqualTo(JobTopology.of(new JobGraph(job("a", "b", "c")), 2, 128).graphHash());
        assertThatThrownBy(() -> StateAssignment.assign(checkpoint, "chk-7", otherUid, 128))
                .hasMessageContaining("operator uid 'count'");
    }

    @Test
    void aTopologyFromAWorkerWithoutNamesShowsTheUids() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JobTopology.Vertex vertex = json.readValue("{\"name\":\"count\",\"parallelism\":2,\"source\":false,"
                + "\"operators\":[\"count\",\"sink\"],\"inputs\":[]}", JobTopology.Vertex.class);
        assertThat(vertex.operatorNames()).containsExactly("count", "sink");

        JobTopology.Vertex named = new JobTopology.Vertex("count", 2, false, List.of("count", "sink"), List.of(),
                List.of("Count", "Print"));
        assertThat(json.readValue(json.writeValueAsString(named), JobTopology.Vertex.class)).isEqualTo(named);
    }

    @Test
    void aBlankNameIsRefused() {
        StreamEnvironment env = new StreamEnvironment(1, 128);
        assertThatThrownBy(() -> env.fromSource(GeneratorSource.sequence(10), "generator").name(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'generator': the name must not be blank");
    }

    /** generator → keyBy → count → sink, with the given names (the sink unnamed when null). */
    private static StreamEnvironment job(String sourceName, String countName, String sinkName) {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        var sink = env.fromSource(GeneratorSource.sequence(10), "generator").name(sourceName)
                .keyBy(i -> i % 3, Types.LONG).process(new Count()).uid("count").name(countName)
                .sinkTo(context -> null);
        if (sinkName != null) {
            sink.name(sinkName);
        }
        return env;
    }

    static final class Count extends KeyedProcessFunction<Long, Long, Long> {
        @Override
        public void processElement(Long value, Context<Long> context, Collector<Long> out) {
            out.collect(value);
        }
    }
}
