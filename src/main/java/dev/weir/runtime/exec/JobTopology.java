package dev.weir.runtime.exec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.StreamNode;

/**
 * What a coordinator needs to know of a job graph, as a worker built it from the user's code: the
 * tasks (vertices) with their operators, parallelism and inputs, and a hash of the whole graph.
 * Workers send it when they register, so the coordinator learns the job without ever loading its
 * classes; workers whose hashes differ did not build the same job (a half-rolled image, a
 * {@code define()} that is not deterministic) and cannot run one attempt together.
 *
 * @param graphHash SHA-256 of the graph's structure (operators, uids, edges, parallelisms set per
 *     operator) and the job's parallelism
 * @param parallelism the job's parallelism: the number of workers, and the widest any task may be
 */
public record JobTopology(String graphHash, int parallelism, int maxParallelism, List<Vertex> vertices) {

    /**
     * One task: a chain of operators run by one thread per subtask.
     *
     * @param parallelism its own number of subtasks (the job's, unless its operators were set narrower)
     * @param operators the uids of the chained operators, head first
     * @param source whether the task starts with a source (checkpoints are triggered there)
     * @param inputs the tasks feeding this one over the network
     * @param operatorNames the display names of the chained operators, head first (the uids when
     *                      none was set; absent from older workers' registrations)
     */
    public record Vertex(String name, int parallelism, boolean source, List<String> operators, List<Input> inputs,
                         List<String> operatorNames) {
        public Vertex {
            Objects.requireNonNull(name, "name");
            operators = operators == null ? List.of() : List.copyOf(operators);
            inputs = inputs == null ? List.of() : List.copyOf(inputs);
            operatorNames = operatorNames == null || operatorNames.size() != operators.size() ? operators
                    : List.copyOf(operatorNames);
        }

        /** A task whose operators are shown by their uids. */
        public Vertex(String name, int parallelism, boolean source, List<String> operators, List<Input> inputs) {
            this(name, parallelism, source, operators, inputs, null);
        }

        /** The chain's names as Flink shows a task: its operators' names joined by " -> ". */
        public String displayName() {
            return String.join(" -> ", operatorNames);
        }

        /** The subtasks of this task, each of which acknowledges every checkpoint. */
        public List<ExecutionVertexId> subtasks() {
            List<ExecutionVertexId> subtasks = new ArrayList<>(parallelism);
            for (int i = 0; i < parallelism; i++) {
                subtasks.add(new ExecutionVertexId(name, i));
            }
            return subtasks;
        }
    }

    /** A network edge into a task; {@code partitioning} is {@code key-by}, {@code rebalance} or {@code forward}. */
    public record Input(String from, String partitioning) {}

    public JobTopology {
        Objects.requireNonNull(graphHash, "graphHash");
        vertices = vertices == null ? List.of() : List.copyOf(vertices);
    }

    /** Describes {@code graph}, built for {@code parallelism} workers and {@code maxParallelism} key groups. */
    public static JobTopology of(JobGraph graph, int parallelism, int maxParallelism) {
        List<Vertex> vertices = new ArrayList<>();
        for (JobGraph.JobVertex vertex : graph.vertices()) {
            List<Input> inputs = vertex.inputs().stream()
                    .map(edge -> new Input(edge.source().name(), partitioning(edge.partitioning())))
                    .toList();
            vertices.add(new Vertex(vertex.name(), vertex.parallelism(), vertex.isSource(),
                    vertex.chain().stream().map(StreamNode::uid).toList(), inputs,
                    vertex.chain().stream().map(StreamNode::name).toList()));
        }
        String hash = sha256(graph.signature() + "|parallelism=" + parallelism + "|maxParallelism=" + maxParallelism);
        return new JobTopology(hash, parallelism, maxParallelism, vertices);
    }

    /** Every subtask of every task: what must acknowledge a checkpoint. */
    public List<ExecutionVertexId> subtasks() {
        List<ExecutionVertexId> all = new ArrayList<>();
        for (Vertex vertex : vertices) {
            all.addAll(vertex.subtasks());
        }
        return all;
    }

    /** The subtasks worker {@code worker} runs: subtask {@code worker} of every task as wide as that. */
    public List<ExecutionVertexId> subtasksOfWorker(int worker) {
        List<ExecutionVertexId> own = new ArrayList<>();
        for (Vertex vertex : vertices) {
            if (worker < vertex.parallelism()) {
                own.add(new ExecutionVertexId(vertex.name(), worker));
            }
        }
        return own;
    }

    private static String partitioning(Partitioning partitioning) {
        if (partitioning instanceof Partitioning.KeyBy<?, ?>) {
            return "key-by";
        }
        if (partitioning instanceof Partitioning.Rebalance) {
            return "rebalance";
        }
        return "forward";
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
