package dev.weir.runtime.network.remote;

import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * Builds one frame at a time in a reused buffer owned by one thread, so the connection's write
 * lock is held only to copy finished bytes, never while records are serialized.
 */
final class FrameBuffer {

    /** Bytes after the length field that every frame has: type and channel id. */
    static final int HEADER_AFTER_LENGTH = 5;

    private final DataOutputBuffer buffer;

    FrameBuffer(int initialSize) {
        this.buffer = new DataOutputBuffer(initialSize);
    }

    /** Starts a frame; write the payload to the returned output, then call {@link #finish}. */
    DataOutput start(FrameType type, int channelId) throws IOException {
        buffer.reset();
        buffer.writeInt(0); // length, patched by finish()
        buffer.writeByte(type.code);
        buffer.writeInt(channelId);
        return buffer;
    }

    /** Patches the length prefix; the frame is then {@code array()[0, length())}. */
    void finish() {
        int length = buffer.length() - Integer.BYTES;
        byte[] bytes = buffer.array();
        bytes[0] = (byte) (length >>> 24);
        bytes[1] = (byte) (length >>> 16);
        bytes[2] = (byte) (length >>> 8);
        bytes[3] = (byte) length;
    }

    byte[] array() {
        return buffer.array();
    }

    int length() {
        return buffer.length();
    }
}
