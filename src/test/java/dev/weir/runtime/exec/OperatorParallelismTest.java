package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.state.serialization.Types;

/** Graph building with operators of their own parallelism: chaining, edges, refusals, topology and hash. */
class OperatorParallelismTest {

    @Test
    void operatorsChainOnlyToInputsOfTheirOwnParallelismAndForwardEdgesBetweenWidthsRebalance() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        env.fromSource(GeneratorSource.sequence(10), "numbers").setParallelism(1).returns(Types.LONG)
                .filter(i -> i >= 0).uid("positive").setParallelism(1)
                .map(i -> i + 1).uid("plus-one").returns(Types.LONG)
                .keyBy(i -> i % 3, Types.LONG).process(new Echo()).uid("echo").returns(Types.LONG)
                .sinkTo(discard()).uid("sink").setParallelism(1);
        JobGraph graph = new JobGraph(env);

        assertThat(graph.vertices()).extracting(JobGraph.JobVertex::name, JobGraph.JobVertex::parallelism,
                        v -> v.chain().size())
                .containsExactly(tuple("numbers", 1, 2), tuple("plus-one", 2, 1), tuple("echo", 2, 1),
                        tuple("sink", 1, 1));
        assertThat(graph.edges()).extracting(JobGraph.JobEdge::id, e -> e.partitioning().getClass().getSimpleName())
                .containsExactly(tuple("numbers->plus-one", "Rebalance"), tuple("plus-one->echo", "KeyBy"),
                        tuple("echo->sink", "Rebalance"));

        JobTopology topology = JobTopology.of(graph, 2, 128);
        assertThat(topology.vertices()).extracting(JobTopology.Vertex::name, JobTopology.Vertex::parallelism)
                .containsExactly(tuple("numbers", 1), tuple("plus-one", 2), tuple("echo", 2), tuple("sink", 1));
        assertThat(topology.vertices().get(1).inputs()).containsExactly(new JobTopology.Input("numbers", "rebalance"));
        assertThat(topology.subtasks()).hasSize(6);
        assertThat(topology.subtasksOfWorker(1)).containsExactly(new ExecutionVertexId("plus-one", 1),
                new ExecutionVertexId("echo", 1));
    }

    @Test
    void equalExplicitParallelismChainsAndTheJobsParallelismIsTheDefault() {
        StreamEnvironment env = new StreamEnvironment(3, 128);
        env.fromSource(GeneratorSource.sequence(10), "numbers").setParallelism(3)
                .map(i -> i).uid("same")
                .sinkTo(discard()).uid("sink").setParallelism(3);
        JobGraph graph = new JobGraph(env);
        assertThat(graph.vertices()).extracting(JobGraph.JobVertex::name, JobGraph.JobVertex::parallelism)
                .containsExactly(tuple("numbers", 3));
        assertThat(graph.vertices().get(0).chain()).hasSize(3);
    }

    @Test
    void aSideOutputRunsAtItsOperatorsParallelismAndCannotBeSetApart() {
        OutputTag<Long> odd = new OutputTag<>("odd", Types.LONG);
        StreamEnvironment env = new StreamEnvironment(2, 128);
        DataStream<Long> main = env.fromSource(GeneratorSource.sequence(10), "numbers").returns(Types.LONG)
                .keyBy(i -> i % 3, Types.LONG).process(new Echo()).uid("echo").setParallelism(1).returns(Types.LONG);
        DataStream<Long> side = main.getSideOutput(odd);
        side.sinkTo(discard()).uid("side-sink").setParallelism(1);
        main.sinkTo(discard()).uid("sink");

        assertThatThrownBy(() -> side.setParallelism(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("side output").hasMessageContaining("that operator's parallelism");
        JobGraph graph = new JobGraph(env);
        assertThat(graph.vertices()).extracting(JobGraph.JobVertex::name, JobGraph.JobVertex::parallelism)
                .containsExactly(tuple("numbers", 2), tuple("echo", 1), tuple("sink", 2));
        assertThat(graph.vertex("echo").chain()).extracting(n -> n.uid()).contains("side-sink");
    }

    @Test
    void connectedInputsOfAnotherWidthAreRebalancedAndEqualOnesStayForward() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        DataStream<Long> narrow = env.fromSource(GeneratorSource.sequence(10), "narrow").setParallelism(1)
                .returns(Types.LONG);
        DataStream<Long> wide = env.fromSource(GeneratorSource.sequence(10), "wide").returns(Types.LONG);
        narrow.union(wide).map(i -> i).uid("both").sinkTo(discard()).uid("sink");
        JobGraph graph = new JobGraph(env);
        assertThat(graph.vertex("both").inputs()).extracting(JobGraph.JobEdge::id,
                        e -> e.partitioning().getClass().getSimpleName())
                .containsExactly(tuple("narrow->both", "Rebalance"), tuple("wide->both#1", "Forward"));
    }

    @Test
    void anOperatorWiderThanTheJobIsAConfigurationErrorNamingItAndBothParallelisms() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        env.fromSource(GeneratorSource.sequence(10), "numbers").map(i -> i).uid("wide").setParallelism(3)
                .sinkTo(discard()).uid("sink");
        assertThatThrownBy(() -> new JobGraph(env)).isInstanceOfSatisfying(UnrecoverableJobException.class,
                        e -> assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION))
                .hasMessageContaining("operator 'wide' has parallelism 3")
                .hasMessageContaining("job's parallelism 2 (spec.job.parallelism)");
    }

    @Test
    void aKeyedOperatorWiderThanItsKeyGroupsIsRefused() {
        StreamEnvironment env = new StreamEnvironment(4, 2);
        env.fromSource(GeneratorSource.sequence(10), "numbers").returns(Types.LONG)
                .keyBy(i -> i, Types.LONG).process(new Echo()).uid("echo").setParallelism(3)
                .sinkTo(discard()).uid("sink");
        assertThatThrownBy(() -> new JobGraph(env)).isInstanceOfSatisfying(UnrecoverableJobException.class,
                        e -> assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION))
                .hasMessageContaining("operator 'echo' is keyed and has parallelism 3")
                .hasMessageContaining("maxParallelism 2");
    }

    @Test
    void aJobWhoseOperatorsAreAllNarrowerThanItselfIsRefused() {
        StreamEnvironment env = new StreamEnvironment(3, 128);
        env.fromSource(GeneratorSource.sequence(10), "numbers").setParallelism(2)
                .sinkTo(discard()).uid("sink").setParallelism(1);
        assertThatThrownBy(() -> new JobGraph(env)).isInstanceOf(UnrecoverableJobException.class)
                .hasMessageContaining("workers 2..2 would run nothing").hasMessageContaining("spec.job.parallelism to 2");
    }

    @Test
    void aParallelismBelowOneAndAParallelismOnAUnionAreRefusedAtOnce() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        DataStream<Long> a = env.fromSource(GeneratorSource.sequence(10), "a");
        DataStream<Long> b = env.fromSource(GeneratorSource.sequence(10), "b");
        assertThatThrownBy(() -> a.setParallelism(0)).hasMessageContaining("operator 'a': the parallelism must be at least 1");
        assertThatThrownBy(() -> a.union(b).setParallelism(1)).hasMessageContaining("a union runs no operator");
    }

    /** Pinned: jobs that set no parallelism keep the graph hash (and so the checkpoints) they had. */
    @Test
    void theGraphHashOfAJobWithoutSetParallelismIsUnchanged() {
        StreamEnvironment env = new StreamEnvironment(2, 128);
        env.fromSource(GeneratorSource.sequence(10), "numbers").returns(Types.LONG)
                .map(i -> i).uid("spread").returns(Types.LONG)
                .keyBy(i -> i % 3, Types.LONG).process(new Echo()).uid("echo").returns(Types.LONG)
                .sinkTo(discard()).uid("sink");
        assertThat(JobTopology.of(new JobGraph(env), 2, 128).graphHash())
                .isEqualTo(PINNED_HASH);
    }

    @Test
    void settingAParallelismChangesTheGraphHash() {
        StreamEnvironment plain = new StreamEnvironment(2, 128);
        plain.fromSource(GeneratorSource.sequence(10), "numbers").returns(Types.LONG).sinkTo(discard()).uid("sink");
        StreamEnvironment narrowed = new StreamEnvironment(2, 128);
        narrowed.fromSource(GeneratorSource.sequence(10), "numbers").setParallelism(1).returns(Types.LONG)
                .sinkTo(discard()).uid("sink");
        assertThat(JobTopology.of(new JobGraph(narrowed), 2, 128).graphHash())
                .isNotEqualTo(JobTopology.of(new JobGraph(plain), 2, 128).graphHash());
    }

    /** The hash this job had before operators could have a parallelism of their own (main at 97f4cdd). */
    private static final String PINNED_HASH = "87bbde404b899544b79bd9ee053d563b27e265f9e052e4070093116920e5ebee";

    /** Emits every record. */
    private static final class Echo extends KeyedProcessFunction<Long, Long, Long> {
        @Override
        public void processElement(Long value, Context<Long> context, Collector<Long> out) {
            out.collect(value);
        }
    }

    private static <T> Sink<T> discard() {
        return context -> new SinkWriter<>() {
            @Override
            public void write(T record) {}

            @Override
            public byte[] snapshotState(long checkpointId) {
                return new byte[0];
            }
        };
    }
}
