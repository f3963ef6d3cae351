package dev.weir.runtime.dataflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;

/** Entry point of the Java API: a job's {@link JobDefinition} builds its dataflow here. */
public final class StreamEnvironment {

    private final int parallelism;
    private final int maxParallelism;
    private final List<StreamNode> nodes = new ArrayList<>();

    public StreamEnvironment(int parallelism, int maxParallelism) {
        this.parallelism = parallelism;
        this.maxParallelism = maxParallelism;
    }

    public int parallelism() {
        return parallelism;
    }

    public int maxParallelism() {
        return maxParallelism;
    }

    /**
     * How many subtasks run {@code node}: as set with {@code setParallelism}, else the job's
     * parallelism; a side output runs in its operator's task, at its parallelism.
     */
    public int parallelismOf(StreamNode node) {
        if (node.runsAtInputParallelism()) {
            return parallelismOf(node.input());
        }
        return node.declaredParallelism() > 0 ? node.declaredParallelism() : parallelism;
    }

    /** A stream read by a replayable source; {@code uid} matches the source's offsets on restore. */
    public <T> DataStream<T> fromSource(Source<T> source, String uid) {
        return new DataStream<>(this, addNode(uid, new StreamNode.SourceKind(source, null), null, new Partitioning.Forward()));
    }

    /**
     * A stream read by a replayable source whose records carry event time: {@code watermarks}
     * assigns each record's timestamp and derives per-split watermarks from them.
     */
    public <T> DataStream<T> fromSource(Source<T> source, WatermarkStrategy<T> watermarks, String uid) {
        if (watermarks == null) {
            throw new IllegalArgumentException("source '" + uid + "': the watermark strategy must not be null");
        }
        return new DataStream<>(this, addNode(uid, new StreamNode.SourceKind(source, watermarks), null,
                new Partitioning.Forward()));
    }

    StreamNode addNode(String uid, StreamNode.Kind kind, StreamNode input, Partitioning partitioning) {
        return addNode(uid, kind, input == null ? List.of() : List.of(new StreamNode.Input(input, partitioning, 0)));
    }

    StreamNode addNode(String uid, StreamNode.Kind kind, List<StreamNode.Input> inputs) {
        String effectiveUid = uid != null ? uid : defaultUid(kind);
        StreamNode node = new StreamNode(nodes.size(), effectiveUid, kind, inputs);
        nodes.add(node);
        return node;
    }

    private String defaultUid(StreamNode.Kind kind) {
        String simple = kind.getClass().getSimpleName().replace("Kind", "").toLowerCase();
        return simple + "-" + nodes.size();
    }

    /** All nodes in creation order (a topological order: inputs are created before their users). */
    public List<StreamNode> nodes() {
        validate();
        return List.copyOf(nodes);
    }

    private void validate() {
        Set<String> uids = new HashSet<>();
        for (StreamNode node : nodes) {
            if (!uids.add(node.uid())) {
                throw new IllegalArgumentException("operator uid '" + node.uid() + "' is used twice");
            }
            if (!node.uid().matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                throw new IllegalArgumentException("operator uid '" + node.uid()
                        + "' must be lower-case letters, digits, '-' or '.' (it names snapshot files)");
            }
        }
        if (nodes.stream().noneMatch(n -> n.kind() instanceof StreamNode.SinkKind)) {
            throw new IllegalArgumentException("the job defines no sink");
        }
        ShuffleSerializers.deriveOrRefuse(nodes, this);
    }

    /** A fingerprint of the graph's structure, equal for every deterministic build of the same job. */
    public String signature() {
        StringBuilder sb = new StringBuilder();
        for (StreamNode node : nodes) {
            sb.append(node.signature()).append(';');
        }
        return sb.toString();
    }
}
