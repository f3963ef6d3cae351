package dev.weir.connectors.kafka;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * The source reader's state: per partition the next offset to read and, when bounded, the offset
 * to stop at ({@link #NO_STOP} if not fixed yet). Every reader reads the union of all previous
 * states on restore, so partitions may move to other subtasks when the parallelism changes.
 */
final class PartitionOffsets {

    static final long NO_STOP = -1;
    private static final int VERSION = 1;

    record Position(long next, long stop) {}

    private PartitionOffsets() {}

    static byte[] encode(Map<TopicPartition, Long> next, Map<TopicPartition, Long> stop) throws IOException {
        DataOutputBuffer out = new DataOutputBuffer(32 + next.size() * 32);
        out.writeInt(VERSION);
        out.writeInt(next.size());
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            out.writeUTF(e.getKey().topic());
            out.writeInt(e.getKey().partition());
            out.writeLong(e.getValue());
            out.writeLong(stop.getOrDefault(e.getKey(), NO_STOP));
        }
        return out.toByteArray();
    }

    static Map<TopicPartition, Position> decodeUnion(List<byte[]> states) throws IOException {
        Map<TopicPartition, Position> union = new HashMap<>();
        for (byte[] state : states) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalStateException("unknown Kafka source state version " + version);
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                TopicPartition tp = new TopicPartition(in.readUTF(), in.readInt());
                Position position = new Position(in.readLong(), in.readLong());
                if (union.put(tp, position) != null) {
                    throw new IllegalStateException("partition " + tp + " is in two previous states");
                }
            }
        }
        return union;
    }

    /** Stable as partitions are added: depends only on the partition itself. */
    static int owner(TopicPartition tp, int parallelism) {
        int topicStart = Math.floorMod(tp.topic().hashCode() * 31, parallelism);
        return (topicStart + tp.partition()) % parallelism;
    }
}
