package dev.weir.runtime.dataflow;

import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.util.List;

import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * Settles, when the graph is built, how each shuffled stream's records are serialized (behind a
 * keyBy or rebalance, or between operators of different parallelism): a declared
 * serializer ({@code returns(...)}) is kept; a stream whose record type its functions spell out
 * gets a derived serializer when the type is a record of plain data ({@link Types#of}), and is
 * refused when the type can never be sent to another worker (a final class or record that is not
 * Serializable and cannot be derived), naming the operator and the type. That fails the job at
 * once, with worker processes and in one process alike, instead of at the first record that
 * reaches a remote channel. Streams of unknown type (lambdas) keep Java serialization.
 */
final class ShuffleSerializers {

    private ShuffleSerializers() {}

    static void deriveOrRefuse(List<StreamNode> nodes, StreamEnvironment env) {
        for (StreamNode node : nodes) {
            for (StreamNode.Input edge : node.inputs()) {
                if (isShuffled(node, edge, env)) {
                    deriveOrRefuse(node, edge);
                }
            }
        }
    }

    /**
     * Whether the edge's records may cross workers: any keyBy or rebalance, and a forward edge
     * between operators of different parallelism (it is spread round robin over the network).
     */
    private static boolean isShuffled(StreamNode node, StreamNode.Input edge, StreamEnvironment env) {
        if (!(edge.partitioning() instanceof Partitioning.Forward)) {
            return true;
        }
        return !node.isVirtual() && !edge.node().isVirtual()
                && env.parallelismOf(edge.node()) != env.parallelismOf(node);
    }

    /**
     * The serializer {@code node} declared for its output, else one derived from the record type its
     * function spells out ({@link Types#of}), else null.
     */
    static TypeSerializer<?> declaredOrDerived(StreamNode node) {
        if (node.outputSerializer() != null) {
            return node.outputSerializer();
        }
        Class<?> type = FunctionTypes.output(node);
        return type != null && !type.isPrimitive() && Types.derivable(type) ? Types.of(type) : null;
    }

    /**
     * One input edge of {@code node}. The consuming function's type describes its first operator
     * input only (a two-input function's second input is typed by its producer alone). Streams
     * through a union are left as they are (a declared serializer, else Java serialization).
     */
    private static void deriveOrRefuse(StreamNode node, StreamNode.Input edge) {
        StreamNode input = edge.node();
        if (input.isVirtual() || input.outputSerializer() != null) {
            return;
        }
        Class<?> type = FunctionTypes.output(input);
        if (type == null && edge.operatorInput() == 0 && !node.isVirtual()) {
            type = FunctionTypes.input(node);
        }
        if (type == null || type.isPrimitive()) {
            return;
        }
        if (type.isRecord() && Types.derivable(type)) {
            input.setOutputSerializer(Types.of(type));
        } else if (!Serializable.class.isAssignableFrom(type)
                && (type.isRecord() || Modifier.isFinal(type.getModifiers()))) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.SERIALIZATION, "operator '"
                    + input.uid() + "' emits " + type.getName() + ", which is not Serializable and so cannot be"
                    + " sent to another worker (into '" + node.uid() + "'); declare a serializer for its output with"
                    + " returns(...)" + (type.isRecord() ? ": " + whyNotDerivable(type)
                    : ", or make it a Java record of plain data, whose serializer is derived"));
        }
    }

    private static String whyNotDerivable(Class<?> type) {
        try {
            Types.of(type);
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
