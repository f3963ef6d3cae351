package dev.weir.runtime.network.remote;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection between this worker and one peer, carrying channels in both directions. A
 * single reader thread hands each frame to the {@link FrameHandler}; writers share the stream.
 * Losing the connection (other than by {@link #close}) is reported exactly once.
 */
final class PeerConnection {

    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);

    /** Receives what the reader thread reads. */
    interface FrameHandler {
        /** Handles the frame the stream has just read; an exception ends the connection. */
        void onFrame(PeerConnection from, FrameStream frame) throws Exception;

        void onConnectionLost(PeerConnection connection, IOException cause);
    }

    private final int self;
    private final int remoteWorker;
    private final FrameStream stream;
    private final FrameHandler handler;
    private final Thread reader;
    private final AtomicBoolean ended = new AtomicBoolean();

    /** @param userCode the reader thread's context class loader: it runs the channels' serializers */
    PeerConnection(int self, int remoteWorker, FrameStream stream, FrameHandler handler, ClassLoader userCode) {
        this.self = self;
        this.remoteWorker = remoteWorker;
        this.stream = stream;
        this.handler = handler;
        this.reader = new Thread(this::readLoop, "weir-dataplane-" + self + "-from-" + remoteWorker);
        this.reader.setDaemon(true);
        this.reader.setContextClassLoader(userCode);
    }

    int remoteWorker() {
        return remoteWorker;
    }

    void start() {
        reader.start();
    }

    void write(FrameBuffer frame) throws IOException {
        try {
            stream.write(frame);
        } catch (IOException e) {
            lost(e);
            throw e;
        }
    }

    private void readLoop() {
        try {
            while (true) {
                stream.readFrame();
                handler.onFrame(this, stream);
            }
        } catch (Throwable t) {
            lost(t);
        }
    }

    private void lost(Throwable cause) {
        if (ended.compareAndSet(false, true)) {
            stream.close();
            LOG.warn("worker {}: connection to worker {} lost: {}", self, remoteWorker, cause.toString());
            handler.onConnectionLost(this, new IOException("connection to worker " + remoteWorker + " lost", cause));
        }
    }

    /** Deliberate shutdown: not reported as a loss. */
    void close() {
        if (ended.compareAndSet(false, true)) {
            stream.close();
        }
    }

    void awaitReaderExit(long millis) throws InterruptedException {
        reader.join(millis);
    }
}
