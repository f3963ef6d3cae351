package dev.weir.runtime.network.remote;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;

import dev.weir.runtime.state.serialization.DataInputBuffer;

/**
 * The framed byte streams of one socket. Reads happen on one thread (the handshake, then the
 * connection's reader) into a reused payload buffer; writes come from many threads, each with a
 * finished frame, and are serialized by a short lock and flushed per frame to keep latency low.
 */
final class FrameStream implements AutoCloseable {

    /** Frames larger than this are a protocol error (or garbage from something that is not a peer). */
    static final int MAX_FRAME_LENGTH = 256 << 20;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final DataInputBuffer payload = new DataInputBuffer();
    private byte[] readBuffer = new byte[4096];
    private FrameType type;
    private int channelId;

    FrameStream(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /** Reads the next frame; then {@link #type()}, {@link #channelId()} and {@link #payload()} describe it. */
    void readFrame() throws IOException {
        readFrame(MAX_FRAME_LENGTH);
    }

    /**
     * Reads the next frame if its length is at most {@code maxLength}. Before the handshake the
     * length header comes from anyone who can reach the port, so it is checked against the small
     * handshake limit before a buffer is sized from it.
     */
    void readFrame(int maxLength) throws IOException {
        int length = in.readInt();
        if (length < FrameBuffer.HEADER_AFTER_LENGTH || length > maxLength) {
            throw new IOException("bad frame length " + length + " (at most " + maxLength + ")");
        }
        type = FrameType.ofCode(in.readByte());
        channelId = in.readInt();
        int payloadLength = length - FrameBuffer.HEADER_AFTER_LENGTH;
        if (readBuffer.length < payloadLength) {
            readBuffer = new byte[Math.max(payloadLength, readBuffer.length * 2)];
        }
        in.readFully(readBuffer, 0, payloadLength);
        payload.reset(readBuffer, 0, payloadLength);
    }

    FrameType type() {
        return type;
    }

    int channelId() {
        return channelId;
    }

    DataInput payload() {
        return payload;
    }

    /** Payload bytes not yet read: a reader that leaves some behind disagrees with the writer. */
    int payloadRemaining() {
        return payload.available();
    }

    void write(FrameBuffer frame) throws IOException {
        writeLock.lock();
        try {
            out.write(frame.array(), 0, frame.length());
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    String remoteAddress() {
        return String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort; the socket is unusable either way
        }
    }
}
