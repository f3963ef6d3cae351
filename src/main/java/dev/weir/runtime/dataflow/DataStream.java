package dev.weir.runtime.dataflow;

import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.dataflow.functions.FilterFunction;
import dev.weir.runtime.dataflow.functions.FlatMapFunction;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.dataflow.functions.MapFunction;
import dev.weir.runtime.dataflow.windowing.CoGroupedStreams;
import dev.weir.runtime.dataflow.windowing.JoinedStreams;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/** A stream of records of type T; transformations with forward edges are chained into one task. */
public class DataStream<T> {

    protected final StreamEnvironment env;
    protected final StreamNode node;

    DataStream(StreamEnvironment env, StreamNode node) {
        this.env = env;
        this.node = node;
    }

    /** Sets this operator's stable id: state in a snapshot is matched to operators by uid. */
    public DataStream<T> uid(String uid) {
        node.setUid(uid);
        return this;
    }

    /**
     * Sets the name this operator is shown as (REST API, dashboard, metrics, logs); defaults to its
     * uid. Unlike the uid it may change between runs without affecting state.
     */
    public DataStream<T> name(String name) {
        node.setName(name);
        return this;
    }

    /**
     * Runs this operator with {@code parallelism} subtasks instead of the job's parallelism (Flink's
     * {@code setParallelism}): at least 1 and at most the job's parallelism, since subtask i of every
     * operator runs on worker i. An operator chains only to an input of equal parallelism; between
     * different parallelisms records are spread round robin (rebalance), or by key behind a keyBy.
     * Changing it between runs restores from a checkpoint or savepoint (keyed state by key group,
     * operator state spread over the new subtasks), as a change of the job's parallelism does.
     */
    public DataStream<T> setParallelism(int parallelism) {
        node.setParallelism(parallelism);
        return this;
    }

    /** How to serialize this stream's records when they cross a process boundary. */
    public DataStream<T> returns(TypeSerializer<T> serializer) {
        node.setOutputSerializer(serializer);
        return this;
    }

    /**
     * Serializes this stream's records with the serializer derived from {@code type} (records of
     * plain data, enums, primitives' boxes, String: see {@link Types#of}).
     */
    public DataStream<T> returns(Class<T> type) {
        return returns(Types.of(type));
    }

    public <R> DataStream<R> map(MapFunction<T, R> function) {
        return next(new StreamNode.MapKind(function));
    }

    public DataStream<T> filter(FilterFunction<T> function) {
        return next(new StreamNode.FilterKind(function));
    }

    public <R> DataStream<R> flatMap(FlatMapFunction<T, R> function) {
        return next(new StreamNode.FlatMapKind(function));
    }

    /**
     * This stream and {@code others} (all of type T) as one stream: the next operator reads every one
     * of them, each through an edge of its own (records of one input keep their order; inputs interleave).
     */
    @SafeVarargs
    public final DataStream<T> union(DataStream<T>... others) {
        if (others.length == 0) {
            return this;
        }
        List<StreamNode.Input> inputs = new ArrayList<>();
        inputs.add(new StreamNode.Input(node, new Partitioning.Forward(), 0));
        for (DataStream<T> other : others) {
            if (other == null || other.env != env) {
                throw new IllegalArgumentException("union: every stream must be a stream of the same job");
            }
            inputs.add(new StreamNode.Input(other.node, new Partitioning.Forward(), 0));
        }
        StreamNode union = env.addNode(null, new StreamNode.UnionKind(), inputs);
        union.setOutputSerializer(node.outputSerializer());
        return new DataStream<>(env, union);
    }

    /**
     * This stream and {@code other} as two inputs of one function ({@link ConnectedStreams#process},
     * {@code map}, {@code flatMap}); records of each input keep their order, the inputs interleave.
     */
    public <R> ConnectedStreams<T, R> connect(DataStream<R> other) {
        if (other == null || other.env != env) {
            throw new IllegalArgumentException("connect: the other stream must be a stream of the same job");
        }
        return new ConnectedStreams<>(env, node, other.node);
    }

    /**
     * Joins this stream (first, left) with {@code other} per key and window:
     * {@code a.join(b).where(keyOfA, keyType).equalTo(keyOfB).window(assigner).apply(JoinFunction)}.
     * The records of both wait in checkpointed window state, written with the serializer their
     * stream declared ({@code returns(...)}) or one derived from their record type.
     */
    public <R> JoinedStreams<T, R> join(DataStream<R> other) {
        return new JoinedStreams<>(coGroup(other, "join"));
    }

    /**
     * Groups this stream (first, left) and {@code other} per key and window, one function call per
     * key and window with the records of each: {@code a.coGroup(b).where(..).equalTo(..).window(..)
     * .apply(CoGroupFunction)}. Serializers as for {@link #join}.
     */
    public <R> CoGroupedStreams<T, R> coGroup(DataStream<R> other) {
        return coGroup(other, "coGroup");
    }

    private <R> CoGroupedStreams<T, R> coGroup(DataStream<R> other, String operation) {
        if (other == null || other.env != env) {
            throw new IllegalArgumentException(operation + ": the other stream must be a stream of the same job");
        }
        return new CoGroupedStreams<>(this, other, windowStateSerializer(operation),
                other.windowStateSerializer(operation));
    }

    @SuppressWarnings("unchecked")
    private TypeSerializer<T> windowStateSerializer(String operation) {
        TypeSerializer<?> serializer = ShuffleSerializers.declaredOrDerived(node);
        if (serializer == null) {
            throw new IllegalArgumentException("operator '" + node.uid() + "': " + operation + "(...) keeps its records"
                    + " in checkpointed window state and needs their serializer: declare it with returns(...) on '"
                    + node.uid() + "'");
        }
        return (TypeSerializer<T>) serializer;
    }

    /** Partitions by key: all records with the same key go to the subtask owning its key group. */
    public <K> KeyedStream<T, K> keyBy(KeySelector<T, K> keySelector, TypeSerializer<K> keySerializer) {
        return new KeyedStream<>(env, node, new Partitioning.KeyBy<>(keySelector, keySerializer));
    }

    /** Spreads records round robin over the downstream subtasks. */
    public RebalancedStream<T> rebalance() {
        return new RebalancedStream<>(env, node);
    }

    public SinkHandle sinkTo(Sink<T> sink) {
        return new SinkHandle(env.addNode(null, new StreamNode.SinkKind(sink), node, new Partitioning.Forward()));
    }

    /**
     * The records this stream's process function emitted to {@code tag}, as a stream of their own
     * (chained to the function, or shuffled on like any stream), serialized with the tag's serializer.
     */
    public <X> DataStream<X> getSideOutput(OutputTag<X> tag) {
        if (tag == null) {
            throw new IllegalArgumentException("the output tag must not be null");
        }
        if (!(node.kind() instanceof StreamNode.KeyedProcessKind || node.kind() instanceof StreamNode.CoProcessKind
                || node.kind() instanceof StreamNode.KeyedCoProcessKind
                || node.kind() instanceof StreamNode.IntervalJoinKind)) {
            throw new IllegalArgumentException("operator '" + node.uid() + "' cannot have side outputs: only"
                    + " process functions (and windows) emit to them");
        }
        for (StreamNode other : node.outputs()) {
            if (other.kind() instanceof StreamNode.SideOutputKind k && k.tag().id().equals(tag.id())
                    && !k.tag().equals(tag)) {
                throw new IllegalArgumentException("operator '" + node.uid() + "': side output '" + tag.id()
                        + "' is read with two different serializers");
            }
        }
        StreamNode sideOutput = env.addNode(null, new StreamNode.SideOutputKind(tag), node, new Partitioning.Forward());
        sideOutput.setOutputSerializer(tag.serializer());
        return new DataStream<>(env, sideOutput);
    }

    private <R> DataStream<R> next(StreamNode.Kind kind) {
        return new DataStream<>(env, env.addNode(null, kind, node, new Partitioning.Forward()));
    }

    /** Lets the user set the sink's uid and name. */
    public static final class SinkHandle {
        private final StreamNode node;

        SinkHandle(StreamNode node) {
            this.node = node;
        }

        public SinkHandle uid(String uid) {
            node.setUid(uid);
            return this;
        }

        /** The name the sink is shown as; defaults to its uid and does not affect its state. */
        public SinkHandle name(String name) {
            node.setName(name);
            return this;
        }

        /** Runs the sink with {@code parallelism} subtasks: see {@link DataStream#setParallelism}. */
        public SinkHandle setParallelism(int parallelism) {
            node.setParallelism(parallelism);
            return this;
        }
    }
}
