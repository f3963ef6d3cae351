package dev.weir.runtime.dataflow;

import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.FilterFunction;
import dev.weir.runtime.dataflow.functions.FlatMapFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.MapFunction;
import dev.weir.runtime.state.serialization.TypeSerializer;

/** One operator of the logical dataflow, as built by the Java API. */
public final class StreamNode {

    /** What the node does; the engine turns each kind into a stream operator. */
    public sealed interface Kind {}

    /** @param watermarks event time and watermarks of the source's records, or null for none */
    public record SourceKind(Source<?> source, WatermarkStrategy<?> watermarks) implements Kind {}

    public record MapKind(MapFunction<?, ?> function) implements Kind {}

    public record FilterKind(FilterFunction<?> function) implements Kind {}

    public record FlatMapKind(FlatMapFunction<?, ?> function) implements Kind {}

    public record KeyedProcessKind(KeyedProcessFunction<?, ?, ?> function) implements Kind {}

    public record SinkKind(Sink<?> sink) implements Kind {}

    /** The records its input emitted to side output {@code tag}; chained to that input, passing them on. */
    public record SideOutputKind(OutputTag<?> tag) implements Kind {}

    private final int id;
    private final Kind kind;
    private final StreamNode input;
    private final Partitioning inputPartitioning;
    private final List<StreamNode> outputs = new ArrayList<>();
    private String uid;
    private String name;
    private TypeSerializer<?> outputSerializer;

    StreamNode(int id, String uid, Kind kind, StreamNode input, Partitioning inputPartitioning) {
        this.id = id;
        this.uid = uid;
        this.kind = kind;
        this.input = input;
        this.inputPartitioning = inputPartitioning;
        if (input != null) {
            input.outputs.add(this);
        }
    }

    public int id() {
        return id;
    }

    public String uid() {
        return uid;
    }

    void setUid(String uid) {
        this.uid = uid;
    }

    /**
     * What the operator is shown as (REST API graph, dashboard, metrics tags, logs): the name set
     * with {@code name(...)}, else its uid. Not part of the graph's {@link #signature()}: renaming an
     * operator keeps its state and lets a job restore from checkpoints taken before.
     */
    public String name() {
        return name != null ? name : uid;
    }

    void setName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("operator '" + uid + "': the name must not be blank");
        }
        this.name = name;
    }

    public Kind kind() {
        return kind;
    }

    /** The upstream node, or null for a source. */
    public StreamNode input() {
        return input;
    }

    public Partitioning inputPartitioning() {
        return inputPartitioning;
    }

    public List<StreamNode> outputs() {
        return outputs;
    }

    /** How this node's output records are serialized when they cross a process boundary (may be null). */
    public TypeSerializer<?> outputSerializer() {
        return outputSerializer;
    }

    void setOutputSerializer(TypeSerializer<?> serializer) {
        this.outputSerializer = serializer;
    }

    /** Structural signature, used to check that every subtask built the same graph. */
    String signature() {
        String signature = id + ":" + uid + ":" + kind.getClass().getSimpleName() + ":"
                + (input == null ? "-" : input.id) + ":" + inputPartitioning.getClass().getSimpleName();
        // Only new kinds add to the signature, so the graphs (and hashes) of older jobs stay as they were.
        if (kind instanceof SideOutputKind k) {
            signature += ":" + k.tag().id();
        }
        return signature;
    }

    @Override
    public String toString() {
        return uid;
    }
}
