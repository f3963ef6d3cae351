package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Encodes lines as UTF-8 into one reused buffer and drains it into a channel, so writing a record
 * allocates nothing beyond its {@code toString()} (a Writer or {@code getBytes} would). The channel is
 * a local file for {@link ExactlyOnceFileSink} and an S3 part buffer for {@link ExactlyOnceS3Sink}.
 */
final class Utf8LineBuffer {

    private final ByteBuffer buffer;
    private WritableByteChannel channel;
    private long drained;

    Utf8LineBuffer(int capacity) {
        this.buffer = ByteBuffer.allocate(Math.max(capacity, 16));
    }

    void target(WritableByteChannel channel) {
        this.channel = channel;
        buffer.clear();
        drained = 0;
    }

    void appendLine(CharSequence text) throws IOException {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (buffer.remaining() < 4) {
                flush();
            }
            if (c < 0x80) {
                buffer.put((byte) c);
            } else if (c < 0x800) {
                buffer.put((byte) (0xC0 | (c >> 6))).put((byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                buffer.put((byte) (0xF0 | (cp >> 18))).put((byte) (0x80 | ((cp >> 12) & 0x3F)))
                        .put((byte) (0x80 | ((cp >> 6) & 0x3F))).put((byte) (0x80 | (cp & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                buffer.put((byte) '?'); // an unpaired surrogate has no UTF-8 form; String.getBytes does the same
            } else {
                buffer.put((byte) (0xE0 | (c >> 12))).put((byte) (0x80 | ((c >> 6) & 0x3F)))
                        .put((byte) (0x80 | (c & 0x3F)));
            }
        }
        if (!buffer.hasRemaining()) {
            flush();
        }
        buffer.put((byte) '\n');
    }

    /** Bytes encoded but not yet drained into the channel. */
    int buffered() {
        return buffer.position();
    }

    /** Bytes of lines appended since {@link #target}, drained into the channel or not. */
    long size() {
        return drained + buffer.position();
    }

    void flush() throws IOException {
        buffer.flip();
        drained += buffer.remaining();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }
}
