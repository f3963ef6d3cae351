package dev.weir.connectors.file;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.dataflow.OperatorStateRestore;

/**
 * The checkpointed position of {@link ObjectStoreTextSource}: per object key, lines emitted and
 * the byte offset after them. Keyed by name rather than listing index, so objects added to the
 * prefix between a checkpoint and its restore cannot shift positions onto the wrong object.
 */
final class TextSourceOffsets {

    private static final int VERSION = 1;

    record Offset(long lines, long bytes) {
        static final Offset START = new Offset(0, 0);
    }

    private TextSourceOffsets() {}

    static byte[] serialize(List<String> keys, Map<String, Offset> offsets) {
        List<byte[]> names = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        int size = 8 + names.stream().mapToInt(n -> 4 + n.length + 16).sum();
        ByteBuffer out = ByteBuffer.allocate(size).putInt(VERSION).putInt(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            Offset offset = offsets.getOrDefault(keys.get(i), Offset.START);
            out.putInt(names.get(i).length).put(names.get(i)).putLong(offset.lines()).putLong(offset.bytes());
        }
        return out.array();
    }

    /** Every previous subtask's positions (union restore); the furthest wins should two overlap. */
    static Map<String, Offset> union(OperatorStateRestore restore) {
        Map<String, Offset> offsets = new HashMap<>();
        if (restore == null) {
            return offsets;
        }
        for (byte[] state : restore.all()) {
            if (state == null) {
                continue;
            }
            ByteBuffer in = ByteBuffer.wrap(state);
            int version = in.getInt();
            if (version != VERSION) {
                throw new IllegalStateException("text source state version " + version + " is not supported");
            }
            int n = in.getInt();
            for (int i = 0; i < n; i++) {
                byte[] name = new byte[in.getInt()];
                in.get(name);
                Offset offset = new Offset(in.getLong(), in.getLong());
                offsets.merge(new String(name, StandardCharsets.UTF_8), offset,
                        (a, b) -> a.bytes() >= b.bytes() ? a : b);
            }
        }
        return offsets;
    }
}
