package dev.weir.coordinator.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.exec.JobGraph;
import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.state.serialization.Types;

/** The REST API's graph (and the dashboard drawn from it) shows each task's own parallelism. */
class OperatorParallelismGraphTest {

    @Test
    void eachVertexShowsItsOwnParallelismAndTheJobItsOwn() {
        StreamEnvironment env = new StreamEnvironment(3, 128);
        env.fromSource(GeneratorSource.sequence(10), "numbers").setParallelism(1).returns(Types.LONG)
                .map(i -> i).uid("spread").returns(Types.LONG)
                .sinkTo(context -> new SinkWriter<Long>() {
                    @Override
                    public void write(Long record) {}

                    @Override
                    public byte[] snapshotState(long checkpointId) {
                        return new byte[0];
                    }
                }).uid("sink").setParallelism(2);
        JobStatusTracker tracker = new JobStatusTracker("widths", () -> 1_000);
        tracker.onAttemptStarted(1, null);
        tracker.onRunning(JobTopology.of(new JobGraph(env), 3, 128), 1);

        JobOverview.Graph graph = tracker.overview(List.of()).graph();

        assertThat(graph.parallelism()).isEqualTo(3);
        assertThat(graph.vertices()).extracting(VertexView::name, VertexView::parallelism)
                .containsExactly(tuple("numbers", 1), tuple("spread", 3), tuple("sink", 2));
        assertThat(graph.edges()).containsExactly(new JobOverview.Edge("numbers", "spread", "rebalance"),
                new JobOverview.Edge("spread", "sink", "rebalance"));
    }
}
