package dev.weir.runtime.network.remote;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection between this worker and one peer, carrying channels in both directions. A
 * single reader thread hands each frame to the {@link FrameHandler}; writers share the stream.
 * Losing the connection (other than by {@link #close}) is reported exactly once, unless the peer
 * said before that all its tasks finished ({@link FrameType#WORKER_FINISHED}): then its closing is
 * the expected end.
 */
final class PeerConnection {

    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);

    /** Receives what the reader thread reads. */
    interface FrameHandler {
        /** Handles the frame the stream has just read; an exception ends the connection. */
        void onFrame(PeerConnection from, FrameStream frame) throws Exception;

        void onConnectionLost(PeerConnection connection, IOException cause);

        /** The peer closed the connection after it said it finished. */
        void onPeerFinished(PeerConnection connection);
    }

    private final int self;
    private final int remoteWorker;
    private final FrameStream stream;
    private final FrameHandler handler;
    private final Thread reader;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean peerFinished;

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

    /** The peer's tasks all finished: it sends nothing more, and its connection closing is not a loss. */
    void peerFinished() {
        peerFinished = true;
    }

    /** Tells the peer that this worker's tasks all finished, before the connection closes. Best effort. */
    void sayFinished() {
        FrameBuffer frame = new FrameBuffer(16);
        try {
            frame.start(FrameType.WORKER_FINISHED, 0);
            frame.finish();
            stream.write(frame);
        } catch (IOException e) {
            LOG.debug("worker {}: could not tell worker {} that it finished: {}", self, remoteWorker, e.toString());
        }
    }

    private void lost(Throwable cause) {
        if (peerFinished) {
            if (ended.compareAndSet(false, true)) {
                stream.close();
                LOG.debug("worker {}: finished worker {} closed its connection", self, remoteWorker);
                handler.onPeerFinished(this);
            }
            return;
        }
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
