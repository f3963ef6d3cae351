package dev.weir.runtime.exec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;

import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * The serializer of the records on a network edge: what remote channels send them with, and what
 * unaligned checkpoints persist in-flight records with (in-process channels pass objects).
 */
final class RecordSerializers {

    private RecordSerializers() {}

    /**
     * The serializer the edge's upstream operator declared, or Java serialization for streams
     * without one.
     */
    @SuppressWarnings("unchecked")
    static TypeSerializer<Object> forEdge(JobGraph.JobEdge edge, ClassLoader userCode) {
        StreamNode upstream = edge.source().chain().stream()
                .filter(node -> node.id() == edge.sourceNodeId())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("edge " + edge.id() + ": node " + edge.sourceNodeId()
                        + " is not in task " + edge.source().name()));
        return forNode(upstream, userCode);
    }

    /** The serializer {@code node} declared for its output, or Java serialization for streams without one. */
    @SuppressWarnings("unchecked")
    static TypeSerializer<Object> forNode(StreamNode node, ClassLoader userCode) {
        TypeSerializer<?> declared = node.outputSerializer();
        return declared != null ? (TypeSerializer<Object>) declared : new JavaSerializationFallback(node.uid(), Types.java(userCode));
    }

    /** For streams without a declared serializer: Java serialization, failing clearly for other records. */
    private record JavaSerializationFallback(String operatorUid, TypeSerializer<Serializable> java)
            implements TypeSerializer<Object> {

        @Override
        public void serialize(Object value, DataOutput out) throws IOException {
            if (value != null && !(value instanceof Serializable)) {
                throw new UnrecoverableJobException(UnrecoverableJobException.Kind.SERIALIZATION, "operator '"
                        + operatorUid + "' emits " + value.getClass().getName() + ", which is not Serializable and so"
                        + " cannot be sent to another worker; declare a serializer for its output with returns(...)");
            }
            java.serialize((Serializable) value, out);
        }

        @Override
        public Object deserialize(DataInput in) throws IOException {
            return java.deserialize(in);
        }
    }
}
