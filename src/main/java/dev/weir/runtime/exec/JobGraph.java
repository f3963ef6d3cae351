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
 * task when the edge is a forward edge; sources and nodes behind a keyBy or rebalance start a
 * new task, connected to the upstream task by a {@link JobEdge} through channels.
 */
public final class JobGraph {

    private final Map<String, JobVertex> vertices = new LinkedHashMap<>();
    private final List<JobEdge> edges = new ArrayList<>();
    private final Map<Integer, JobVertex> vertexOfNode = new LinkedHashMap<>();
    private final String signature;

    public JobGraph(StreamEnvironment env) {
        this.signature = env.signature();
        for (StreamNode node : env.nodes()) {
            boolean startsTask = node.input() == null || !(node.inputPartitioning() instanceof Partitioning.Forward);
            JobVertex vertex;
            if (startsTask) {
                vertex = new JobVertex(node.uid(), node);
                vertices.put(vertex.name(), vertex);
                if (node.input() != null) {
                    JobEdge edge = new JobEdge(vertexOfNode.get(node.input().id()), node.input().id(), vertex, node.inputPartitioning());
                    edges.add(edge);
                    vertex.setInput(edge);
                    edge.source().addOutput(edge);
                }
            } else {
                vertex = vertexOfNode.get(node.input().id());
                vertex.addChained(node);
            }
            vertexOfNode.put(node.id(), vertex);
        }
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
        private JobEdge input;

        JobVertex(String name, StreamNode head) {
            this.name = name;
            this.chain.add(head);
        }

        public String name() {
            return name;
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

        /** The network edge feeding the head, or null for a source task. */
        public JobEdge input() {
            return input;
        }

        public List<JobEdge> outputs() {
            return List.copyOf(outputs);
        }

        void setInput(JobEdge edge) {
            this.input = edge;
        }

        void addOutput(JobEdge edge) {
            outputs.add(edge);
        }

        void addChained(StreamNode node) {
            chain.add(node);
        }
    }

    /** A network edge from the node {@code sourceNodeId} in task {@code source} to task {@code target}'s head. */
    public record JobEdge(JobVertex source, int sourceNodeId, JobVertex target, Partitioning partitioning) {
        public String id() {
            return source.name() + "->" + target.name();
        }
    }
}
