package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.state.serialization.DataInputBuffer;
import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * The checkpointed position of one text source subtask, shared by the local and the S3 source:
 * the names of the files it has finished and, per file it has started, the byte offset after the
 * last line it emitted. Files are named, never numbered by listing position, so files added
 * before a restore cannot shift a position onto the wrong file.
 *
 * <p>Finished names are written sorted and front-coded (each name as the length of the prefix it
 * shares with the previous one plus the rest), so the usual {@code part-00017}-style names cost a
 * few bytes each. A single "everything up to name X is done" mark would be smaller still, but it
 * would silently skip a file that appears later with a name sorting below X.
 *
 * <p>Format: magic+version, finished count, per finished name (shared bytes, suffix length,
 * suffix) as unsigned shorts and UTF-8; started count, per started file (name length, name,
 * offset).
 */
record TextSourceOffsets(SortedSet<String> finished, Map<String, Long> started) {

    /** "TXT" and format 2; format 1 (per-key line and byte counts) was never read by name order. */
    private static final int FORMAT = 0x54585402;
    private static final int MAX_NAME_BYTES = 0xFFFF;

    static TextSourceOffsets empty() {
        return new TextSourceOffsets(new TreeSet<>(), new HashMap<>());
    }

    byte[] serialize() {
        DataOutputBuffer out = new DataOutputBuffer(64 + finished.size() * 8 + started.size() * 64);
        out.writeInt(FORMAT);
        out.writeInt(finished.size());
        byte[] previous = new byte[0];
        for (String name : finished) {
            byte[] bytes = utf8(name);
            int shared = sharedPrefix(previous, bytes);
            out.writeShort(shared);
            out.writeShort(bytes.length - shared);
            out.write(bytes, shared, bytes.length - shared);
            previous = bytes;
        }
        out.writeInt(started.size());
        for (Map.Entry<String, Long> file : started.entrySet()) {
            byte[] bytes = utf8(file.getKey());
            out.writeShort(bytes.length);
            out.write(bytes);
            out.writeLong(file.getValue());
        }
        return out.toByteArray();
    }

    static TextSourceOffsets deserialize(byte[] state) {
        TextSourceOffsets offsets = empty();
        DataInputBuffer in = new DataInputBuffer();
        in.reset(state, 0, state.length);
        try {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalStateException("text source state format 0x" + Integer.toHexString(format)
                        + " is not supported (expected 0x" + Integer.toHexString(FORMAT)
                        + "); restore this job without that checkpoint");
            }
            byte[] previous = new byte[0];
            for (int n = in.readInt(); n > 0; n--) {
                int shared = in.readUnsignedShort();
                byte[] bytes = new byte[shared + in.readUnsignedShort()];
                System.arraycopy(previous, 0, bytes, 0, shared);
                in.readFully(bytes, shared, bytes.length - shared);
                offsets.finished.add(new String(bytes, StandardCharsets.UTF_8));
                previous = bytes;
            }
            for (int n = in.readInt(); n > 0; n--) {
                byte[] name = new byte[in.readUnsignedShort()];
                in.readFully(name);
                offsets.started.put(new String(name, StandardCharsets.UTF_8), in.readLong());
            }
        } catch (IOException e) {
            throw new IllegalStateException("text source state is truncated or corrupt", e);
        }
        return offsets;
    }

    /**
     * Every previous subtask's positions (union restore: file ownership depends on the parallelism,
     * so any new subtask may own any old subtask's files). Finished wins over started, and the
     * furthest offset over a shorter one, should two states name the same file.
     */
    static TextSourceOffsets union(OperatorStateRestore restore) {
        TextSourceOffsets union = empty();
        if (restore == null) {
            return union;
        }
        for (byte[] state : restore.all()) {
            TextSourceOffsets previous = deserialize(state);
            union.finished.addAll(previous.finished);
            previous.started.forEach((name, offset) -> union.started.merge(name, offset, Math::max));
        }
        union.started.keySet().removeAll(union.finished);
        return union;
    }

    private static byte[] utf8(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("input file name of " + bytes.length + " bytes is longer than "
                    + MAX_NAME_BYTES + ": " + name.substring(0, 100) + "...");
        }
        return bytes;
    }

    private static int sharedPrefix(byte[] a, byte[] b) {
        int max = Math.min(a.length, b.length);
        int i = 0;
        while (i < max && a[i] == b[i]) {
            i++;
        }
        return i;
    }
}
