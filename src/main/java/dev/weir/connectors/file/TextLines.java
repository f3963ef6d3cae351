package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of one input file, read in chunks from a byte offset, so a file of any size is never
 * held whole and a restore resumes with one seek (a ranged GET on S3) instead of re-reading the
 * lines before its offset. Lines end at '\n' (a preceding '\r' is dropped); a last line without
 * '\n' still counts. A line is decoded only once all its bytes are in, so a multi-byte UTF-8
 * character split across two chunks decodes whole.
 */
final class TextLines implements AutoCloseable {

    private final TextInput.OpenFile file;
    private final String name;
    private final int chunkSize;
    private byte[] chunk = new byte[0];
    private long chunkStart;
    private int chunkLength;
    private int chunkPos;
    /** Bytes of a line that began in an earlier chunk. */
    private byte[] partial = new byte[0];
    private int partialLength;
    /** Offset just past the last line returned: what a checkpoint records. */
    private long consumed;

    TextLines(TextInput.OpenFile file, String name, long startOffset, int chunkSize) throws IOException {
        this.file = file;
        this.name = name;
        this.chunkSize = chunkSize;
        if (startOffset > file.size()) {
            // The checkpoint read further than the file now reaches: it was replaced or truncated.
            throw new IOException(name + " has " + file.size() + " bytes, but the checkpoint already read "
                    + startOffset + "; input files must not change while a job reads them");
        }
        this.chunkStart = startOffset;
        this.consumed = startOffset;
    }

    static int checkChunkSize(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got " + bytes);
        }
        return bytes;
    }

    /** The next line, or null at the end of the file. */
    String next() throws IOException {
        while (true) {
            if (chunkPos == chunkLength && !nextChunk()) {
                return partialLength > 0 ? finish(partial, 0, partialLength, file.size()) : null;
            }
            int newline = indexOfNewline();
            if (newline < 0) {
                appendPartial(chunkLength);
                chunkPos = chunkLength;
                continue;
            }
            long end = chunkStart + newline + 1;
            String line;
            if (partialLength == 0) {
                line = finish(chunk, chunkPos, newline - chunkPos, end);
            } else {
                appendPartial(newline);
                line = finish(partial, 0, partialLength, end);
            }
            chunkPos = newline + 1;
            return line;
        }
    }

    /** The offset just past the last line returned. */
    long consumedBytes() {
        return consumed;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private boolean nextChunk() throws IOException {
        long from = chunkStart + chunkLength;
        if (from >= file.size()) {
            return false;
        }
        int length = (int) Math.min(chunkSize, file.size() - from);
        if (chunk.length < length) {
            chunk = new byte[length];
        }
        file.read(from, chunk, length);
        chunkStart = from;
        chunkLength = length;
        chunkPos = 0;
        return true;
    }

    private int indexOfNewline() {
        for (int i = chunkPos; i < chunkLength; i++) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void appendPartial(int until) {
        int length = until - chunkPos;
        if (partial.length < partialLength + length) {
            partial = Arrays.copyOf(partial, Math.max(partialLength + length, partial.length * 2));
        }
        System.arraycopy(chunk, chunkPos, partial, partialLength, length);
        partialLength += length;
    }

    private String finish(byte[] bytes, int offset, int length, long end) {
        partialLength = 0;
        consumed = end;
        if (length > 0 && bytes[offset + length - 1] == '\r') {
            length--;
        }
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "TextLines[" + name + " at " + consumed + "]";
    }
}
