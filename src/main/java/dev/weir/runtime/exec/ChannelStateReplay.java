package dev.weir.runtime.exec;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.ChannelStateHandle;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.exec.operators.RecordTimestamp;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.serialization.DataInputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Feeds a restored task the in-flight records its input held in an unaligned checkpoint, in the
 * order they travelled, before the task reads any new input: together with the restored state
 * they make the task what it was when the checkpoint's barriers passed. After a rescale of a keyed
 * edge every new subtask reads the whole edge's channel state and keeps the records of its own key
 * groups, as the edge would have routed them. Each record keeps the event timestamp it travelled with.
 */
final class ChannelStateReplay {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelStateReplay.class);

    /** Reads a piece of checkpoint storage (each object once). */
    interface StateReader {
        byte[] read(dev.weir.runtime.checkpoint.StateHandle handle, Map<String, byte[]> objects) throws IOException;
    }

    private ChannelStateReplay() {}

    /** Where the in-flight records of one input edge go: read with its serializer, split as it partitions, into {@code target}. */
    record EdgeInput(TypeSerializer<Object> serializer, Partitioning partitioning, Collector<Object> target) {}

    /** A task of one input edge: every handle's records go to {@code head}. @return how many were replayed */
    static long replay(TaskRestore restore, TypeSerializer<Object> serializer, Partitioning inputPartitioning,
                       int maxParallelism, KeyGroupRange range, StateReader reader, Collector<Object> head,
                       RecordTimestamp timestamp) throws Exception {
        if (restore == null) {
            return 0;
        }
        Map<String, EdgeInput> edges = new HashMap<>();
        for (ChannelStateHandle handle : restore.inFlightData()) {
            edges.put(handle.edge(), new EdgeInput(serializer, inputPartitioning, head));
        }
        return replay(restore, edges, maxParallelism, range, reader, timestamp);
    }

    /** @param edges the task's input edges by id @return how many records were replayed */
    static long replay(TaskRestore restore, Map<String, EdgeInput> edges, int maxParallelism, KeyGroupRange range,
                       StateReader reader, RecordTimestamp timestamp) throws Exception {
        if (restore == null || restore.inFlightData().isEmpty()) {
            return 0;
        }
        Map<String, byte[]> objects = new HashMap<>();
        DataInputBuffer in = new DataInputBuffer();
        long replayed = 0;
        long read = 0;
        for (ChannelStateHandle handle : restore.inFlightData()) {
            EdgeInput edge = edges.get(handle.edge());
            if (edge == null) {
                throw new IllegalStateException("checkpoint " + restore.location() + " holds in-flight records of edge '"
                        + handle.edge() + "', which is not an input of this task");
            }
            if (edge.serializer() == null) {
                throw new IllegalStateException("checkpoint " + restore.location()
                        + " holds in-flight records for an input without a record serializer");
            }
            KeySelector<Object, Object> keys = keySelector(restore, edge.partitioning());
            byte[] bytes = reader.read(handle.state(), objects);
            in.reset(bytes, 0, bytes.length);
            for (int i = 0; i < handle.records(); i++) {
                long recordTimestamp = in.readLong();
                Object record = edge.serializer().deserialize(in);
                read++;
                if (keys == null || range.contains(KeyGroupAssignment.keyGroupFor(keys.getKey(record), maxParallelism))) {
                    timestamp.set(recordTimestamp);
                    edge.target().collect(record);
                    replayed++;
                }
            }
            if (in.available() != 0) {
                throw new IOException("channel state " + handle + " of checkpoint " + restore.location() + ": "
                        + in.available() + " bytes left after its " + handle.records() + " records (serializer changed?)");
            }
        }
        LOG.debug("replayed {} of {} in-flight records of checkpoint {}", replayed, read, restore.checkpointId());
        return replayed;
    }

    /**
     * The key selector to split a keyed edge's records by, when the parallelism changed; null when
     * every record assigned to this subtask is its own (same parallelism, or a rebalanced or forward
     * edge, whose channels were assigned whole).
     */
    @SuppressWarnings("unchecked")
    private static KeySelector<Object, Object> keySelector(TaskRestore restore, Partitioning partitioning) {
        if (restore.inFlightByKeyGroup() && partitioning instanceof Partitioning.KeyBy<?, ?> keyBy) {
            return (KeySelector<Object, Object>) keyBy.keySelector();
        }
        return null;
    }
}
