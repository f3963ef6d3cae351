package dev.weir.connectors.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.weir.runtime.storage.ObjectStore;

/**
 * The lines of one object, read in ranged chunks from a byte offset, so an object of any size is
 * never held whole and a restore resumes with one ranged GET instead of re-reading skipped lines.
 * Lines end at '\n' (a preceding '\r' is dropped); a last line without '\n' still counts.
 */
final class ObjectLines {

    private final ObjectStore store;
    private final String key;
    private final long size;
    private final int chunkSize;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private byte[] chunk = new byte[0];
    private long chunkStart;
    private int chunkPos;
    /** Offset just past the last line returned: what a checkpoint records. */
    private long consumed;

    ObjectLines(ObjectStore store, String key, long startOffset, int chunkSize) throws IOException {
        this.store = store;
        this.key = key;
        this.size = store.size(key);
        this.chunkSize = chunkSize;
        if (startOffset > size) {
            // The checkpoint read further than the object now reaches: it was replaced or truncated.
            throw new IOException("object " + key + " has " + size + " bytes, but the checkpoint already read "
                    + startOffset + "; input objects must not change while a job reads them");
        }
        this.chunkStart = startOffset;
        this.consumed = startOffset;
    }

    /** The next line, or null at the end of the object. */
    String next() throws IOException {
        while (true) {
            if (chunkPos == chunk.length) {
                long from = chunkStart + chunk.length;
                if (from >= size) {
                    return partial.size() > 0 ? finishLine(size) : null;
                }
                chunk = store.getRange(key, from, (int) Math.min(chunkSize, size - from));
                chunkStart = from;
                chunkPos = 0;
            }
            int newline = indexOfNewline();
            if (newline < 0) {
                partial.write(chunk, chunkPos, chunk.length - chunkPos);
                chunkPos = chunk.length;
            } else {
                partial.write(chunk, chunkPos, newline - chunkPos);
                chunkPos = newline + 1;
                return finishLine(chunkStart + chunkPos);
            }
        }
    }

    long consumedBytes() {
        return consumed;
    }

    private int indexOfNewline() {
        for (int i = chunkPos; i < chunk.length; i++) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private String finishLine(long end) {
        byte[] bytes = partial.toByteArray();
        partial.reset();
        consumed = end;
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
