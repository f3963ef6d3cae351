package dev.weir.runtime.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.StreamNode;

/**
 * The physical plan: stream nodes chained into tasks (job vertices). A node joins its input's
 * task when the edge is a forward edge and both have the same parallelism; sources, nodes behind a
 * keyBy or rebalance, and nodes of another parallelism than their input start a new task, connected
 * to the upstream task by a {@link JobEdge} through channels.
 */
public final class JobGraph {

    private final Map<String, JobVertex> vertices = new LinkedHashMap<>();
    private final List<JobEdge> edges = new ArrayList<>();
    private final Map<Integer, JobVertex> vertexOfNode = new LinkedHashMap<>();
    private final String signature;

    public JobGraph(StreamEnvironment env) {
        this.signature = env.signature();
        OperatorParallelism parallelism = new OperatorParallelism(env);
        for (StreamNode node : env.nodes()) {
            if (node.isVirtual()) {
                continue;
            }
            int width = parallelism.of(node);
            List<StreamNode.Input> inputs = physicalInputs(node);
            boolean startsTask = inputs.size() != 1 || !(inputs.get(0).partitioning() instanceof Partitioning.Forward)
                    || node.input().isVirtual() || vertexOfNode.get(node.input().id()).parallelism() != width;
            JobVertex vertex;
            if (startsTask) {
                vertex = new JobVertex(node.uid(), node, width);
                vertices.put(vertex.name(), vertex);
                for (StreamNode.Input input : inputs) {
                    JobVertex producer = vertexOfNode.get(input.node().id());
                    JobEdge edge = new JobEdge(producer, input.node().id(), vertex,
                            physicalPartitioning(input.partitioning(), producer, width), vertex.inputs.size(),
                            input.operatorInput());
                    edges.add(edge);
                    vertex.inputs.add(edge);
                    edge.source().addOutput(edge);
                }
            } else {
                vertex = vertexOfNode.get(node.input().id());
                vertex.addChained(node);
            }
            vertexOfNode.put(node.id(), vertex);
        }
        parallelism.requireSomeOperatorAtJobParallelism();
    }

    /**
     * How records travel on a network edge: as the API said, except that a forward edge between
     * tasks of different parallelism spreads its records round robin (as Flink turns it into a
     * rebalance), since subtask i of the producer has no consumer i to forward to, or several would idle.
     */
    private static Partitioning physicalPartitioning(Partitioning logical, JobVertex producer, int consumerParallelism) {
        if (logical instanceof Partitioning.Forward && producer.parallelism() != consumerParallelism) {
            return new Partitioning.Rebalance();
        }
        return logical;
    }

    /**
     * The node's inputs with every union replaced by the union's own inputs, each travelling as the
     * edge out of the union says (keyBy behind a union keys each of its inputs).
     */
    private static List<StreamNode.Input> physicalInputs(StreamNode node) {
        List<StreamNode.Input> physical = new ArrayList<>();
        for (StreamNode.Input input : node.inputs()) {
            if (input.node().isVirtual()) {
                for (StreamNode.Input unioned : physicalInputs(input.node())) {
                    physical.add(new StreamNode.Input(unioned.node(), input.partitioning(), input.operatorInput()));
                }
            } else {
                physical.add(input);
            }
        }
        return physical;
    }

    public List<JobVertex> vertices() {
        return List.copyOf(vertices.values());
    }

    public JobVertex vertex(String name) {
        return vertices.get(name);
    }

    public List<JobEdge> edges() {
        return List.copyOf(edges);
    }

    public List<JobVertex> sources() {
        return vertices.values().stream().filter(JobVertex::isSource).toList();
    }

    public String signature() {
        return signature;
    }

    /** One task: a chain of stream nodes run by one thread per subtask. */
    public static final class JobVertex {
        private final String name;
        private final List<StreamNode> chain = new ArrayList<>();
        private final List<JobEdge> outputs = new ArrayList<>();
        private final List<JobEdge> inputs = new ArrayList<>();
        private final int parallelism;

        JobVertex(String name, StreamNode head, int parallelism) {
            this.name = name;
            this.chain.add(head);
            this.parallelism = parallelism;
        }

        public String name() {
            return name;
        }

        /** How many subtasks run this task: subtask i on worker i, for i below it. */
        public int parallelism() {
            return parallelism;
        }

        public StreamNode head() {
            return chain.get(0);
        }

        /** The chained nodes, head first, each after its input. */
        public List<StreamNode> chain() {
            return List.copyOf(chain);
        }

        public boolean isSource() {
            return head().kind() instanceof StreamNode.SourceKind;
        }

        /** The (first) network edge feeding the head, or null for a source task. */
        public JobEdge input() {
            return inputs.isEmpty() ? null : inputs.get(0);
        }

        /** The network edges feeding the head, in the order of their channels in the task's input gate. */
        public List<JobEdge> inputs() {
            return List.copyOf(inputs);
        }

        public List<JobEdge> outputs() {
            return List.copyOf(outputs);
        }

        void addOutput(JobEdge edge) {
            outputs.add(edge);
        }

        void addChained(StreamNode node) {
            chain.add(node);
        }
    }

    /**
     * A network edge from the node {@code sourceNodeId} in task {@code source} to task {@code target}'s head.
     *
     * @param targetInput the edge's position among the target's input edges
     * @param operatorInput which input of the head operator its records feed (1: a two-input operator's second)
     */
    public record JobEdge(JobVertex source, int sourceNodeId, JobVertex target, Partitioning partitioning,
                          int targetInput, int operatorInput) {

        public JobEdge(JobVertex source, int sourceNodeId, JobVertex target, Partitioning partitioning) {
            this(source, sourceNodeId, target, partitioning, 0, 0);
        }

        /** {@code source->target}; a task's further input edges add their position ({@code #1}), so two edges from one task differ. */
        public String id() {
            return source.name() + "->" + target.name() + (targetInput == 0 ? "" : "#" + targetInput);
        }
    }
}
