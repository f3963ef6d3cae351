package dev.weir.runtime.dataflow;

import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.CoProcessFunction;
import dev.weir.runtime.dataflow.functions.FilterFunction;
import dev.weir.runtime.dataflow.functions.FlatMapFunction;
import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.dataflow.functions.MapFunction;
import dev.weir.runtime.dataflow.functions.ProcessJoinFunction;
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

    /**
     * The local stage of a window aggregation, chained to its input before the shuffle: adds the
     * records of each key (by {@code keySelector}) and slice of event time {@code [s, s + slice)},
     * {@code s} a multiple of {@code slice} from {@code offset}, to one accumulator of
     * {@code function}, and emits them as {@code KeyValue(key, accumulator)}. It runs at its input's
     * parallelism and takes its uid from the window operator it feeds. {@code longKeys}: the keys are
     * {@code Long}s (keyed with {@code Types.LONG}), which it holds as numbers.
     */
    public record LocalWindowAggregateKind(KeySelector<?, ?> keySelector, boolean longKeys,
                                           AggregateFunction<?, ?, ?> function, long slice, long offset)
            implements Kind {}

    /**
     * Several streams of one type as one: a virtual node that runs no operator. Its consumer reads
     * every one of the union's inputs through an edge of its own ({@code JobGraph} expands it).
     */
    public record UnionKind() implements Kind {}

    /** A non-keyed function of two inputs (connected streams). */
    public record CoProcessKind(CoProcessFunction<?, ?, ?> function) implements Kind {}

    /** A keyed function of two inputs keyed alike: both share its keyed state and timers. */
    public record KeyedCoProcessKind(KeyedCoProcessFunction<?, ?, ?, ?> function) implements Kind {}

    /**
     * An event-time interval join of two keyed inputs: pairs with {@code left + lower <= right <= left + upper};
     * late records of each input go to their tag's side output, or are dropped where it is null.
     */
    public record IntervalJoinKind(ProcessJoinFunction<?, ?, ?> function, long lower, long upper,
                                   OutputTag<?> leftLateData, OutputTag<?> rightLateData) implements Kind {}

    /**
     * One input of a node: the upstream node, how its records travel here, and which input of the
     * operator they feed (0; or 1 for the second input of a two-input operator).
     */
    public record Input(StreamNode node, Partitioning partitioning, int operatorInput) {}

    /** A window's local aggregation is named after the window operator, with this suffix. */
    public static final String LOCAL_AGGREGATION_SUFFIX = "-local";

    private final int id;
    private final Kind kind;
    private final List<Input> inputs;
    private final Partitioning inputPartitioning;
    private final List<StreamNode> outputs = new ArrayList<>();
    private String uid;
    private String name;
    private TypeSerializer<?> outputSerializer;
    /** Set with {@code setParallelism}; 0: the job's parallelism. */
    private int parallelism;

    /** @param inputs the node's inputs, none for a source (whose input partitioning is then {@code Forward}) */
    StreamNode(int id, String uid, Kind kind, List<Input> inputs) {
        this.id = id;
        this.uid = uid;
        this.kind = kind;
        this.inputs = List.copyOf(inputs);
        this.inputPartitioning = inputs.isEmpty() ? new Partitioning.Forward() : inputs.get(0).partitioning();
        for (Input input : this.inputs) {
            if (!input.node().outputs.contains(this)) {
                input.node().outputs.add(this);
            }
        }
    }

    public int id() {
        return id;
    }

    public String uid() {
        if (kind instanceof LocalWindowAggregateKind && outputs.size() == 1) {
            return outputs.get(0).uid() + LOCAL_AGGREGATION_SUFFIX;
        }
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
        return name != null ? name : uid();
    }

    void setName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("operator '" + uid() + "': the name must not be blank");
        }
        this.name = name;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The number of subtasks set for this operator with {@code setParallelism(...)}, or 0 when it
     * runs at the job's parallelism (a side output runs at its operator's, a union has none).
     */
    public int declaredParallelism() {
        return parallelism;
    }

    void setParallelism(int parallelism) {
        if (kind instanceof LocalWindowAggregateKind) {
            throw new IllegalArgumentException("operator '" + uid() + "': a window's local aggregation runs at the"
                    + " parallelism of its input");
        }
        if (kind instanceof SideOutputKind) {
            throw new IllegalArgumentException("operator '" + uid() + "': a side output runs in the task of the"
                    + " operator that emits it, at that operator's parallelism; set the parallelism there");
        }
        if (isVirtual()) {
            throw new IllegalArgumentException("a union runs no operator of its own and has no parallelism: set"
                    + " the parallelism of its inputs or of the operator reading it");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("operator '" + uid() + "': the parallelism must be at least 1, got "
                    + parallelism);
        }
        this.parallelism = parallelism;
    }

    /**
     * A node chained into its input's task by construction (a side output, a window's local
     * aggregation): it runs at its input's parallelism, and none can be set for it.
     */
    public boolean runsAtInputParallelism() {
        return kind instanceof SideOutputKind || kind instanceof LocalWindowAggregateKind;
    }

    /** The (first) upstream node, or null for a source. */
    public StreamNode input() {
        return inputs.isEmpty() ? null : inputs.get(0).node();
    }

    /** How the (first) input's records travel here. */
    public Partitioning inputPartitioning() {
        return inputPartitioning;
    }

    /** Every input, in the order the API was given them; empty for a source. */
    public List<Input> inputs() {
        return inputs;
    }

    /** A node that runs no operator of its own (a union). */
    public boolean isVirtual() {
        return kind instanceof UnionKind;
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
        String signature = id + ":" + uid() + ":" + kind.getClass().getSimpleName() + ":"
                + (inputs.isEmpty() ? "-" : inputs.get(0).node().id) + ":" + inputPartitioning.getClass().getSimpleName();
        for (Input more : inputs.subList(Math.min(1, inputs.size()), inputs.size())) {
            signature += "+" + more.node().id + ":" + more.partitioning().getClass().getSimpleName() + ":"
                    + more.operatorInput();
        }
        // Only new kinds add to the signature, so the graphs (and hashes) of older jobs stay as they were.
        if (kind instanceof SideOutputKind k) {
            signature += ":" + k.tag().id();
        }
        if (parallelism > 0) {
            signature += ":p" + parallelism;
        }
        return signature;
    }

    @Override
    public String toString() {
        return uid();
    }
}
