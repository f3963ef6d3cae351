package dev.weir.runtime.network.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the data plane's connections: listens for lower-indexed workers dialing in and dials the
 * higher-indexed ones, running the {@link Handshake} on each new socket. Hands every accepted or
 * dialed stream to {@code onConnected}; it never holds connections itself.
 */
final class PeerConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerConnector.class);
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final long DIAL_RETRY_MILLIS = 50;

    private final byte[] jobToken;
    private final int self;
    private final long attempt;
    private final IntPredicate isConnected;
    private final BiConsumer<Integer, FrameStream> onConnected;
    private final ServerSocket server;
    private final Thread acceptor;
    private volatile boolean closed;

    PeerConnector(byte[] jobToken, int self, long attempt, InetSocketAddress bindAddress,
                  IntPredicate isConnected, BiConsumer<Integer, FrameStream> onConnected) throws IOException {
        this.jobToken = jobToken;
        this.self = self;
        this.attempt = attempt;
        this.isConnected = isConnected;
        this.onConnected = onConnected;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bindAddress);
        this.acceptor = new Thread(this::acceptLoop, "weir-dataplane-" + self + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** Dials {@code peer} until it answers or the deadline passes; a refusal is final, not retried. */
    void dial(int peer, InetSocketAddress address, long deadlineNanos, Duration timeout)
            throws IOException, InterruptedException {
        Handshake.Hello hello = new Handshake.Hello(jobToken, self, attempt);
        while (true) {
            long leftMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            FrameStream stream = null;
            try {
                Socket socket = new Socket();
                socket.connect(address, (int) Math.min(Integer.MAX_VALUE, leftMillis));
                stream = new FrameStream(socket);
                stream.setReadTimeout((int) Math.min(HANDSHAKE_TIMEOUT_MILLIS, leftMillis));
                Handshake.dial(stream, hello, peer);
                stream.setReadTimeout(0);
                onConnected.accept(peer, stream);
                return;
            } catch (Handshake.HandshakeRefusedException e) {
                stream.close();
                throw e;
            } catch (IOException e) {
                if (stream != null) {
                    stream.close();
                }
                if (closed || System.nanoTime() - deadlineNanos >= 0) {
                    throw new IOException("worker " + self + ": cannot reach worker " + peer + " at " + address
                            + " within " + timeout + ": " + e, e);
                }
                Thread.sleep(DIAL_RETRY_MILLIS);
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("worker {}: data plane stopped accepting connections", self, e);
                }
                return;
            }
            accept(socket);
        }
    }

    private void accept(Socket socket) {
        FrameStream stream = null;
        try {
            stream = new FrameStream(socket);
            stream.setReadTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            Handshake.Hello hello = Handshake.readHello(stream);
            Handshake.Verdict verdict = Handshake.judge(hello, jobToken, attempt, self);
            if (verdict == Handshake.Verdict.ACCEPTED && isConnected.test(hello.workerIndex())) {
                verdict = Handshake.Verdict.UNEXPECTED_WORKER; // a second connection for the same pair
            }
            Handshake.reply(stream, verdict, self);
            if (verdict != Handshake.Verdict.ACCEPTED) {
                // Never log the tokens: neither ours nor the one offered.
                LOG.warn("worker {}: refused data connection from {} claiming worker {}: {}",
                        self, stream.remoteAddress(), hello.workerIndex(), verdict.reason);
                stream.close();
                return;
            }
            stream.setReadTimeout(0);
            onConnected.accept(hello.workerIndex(), stream);
        } catch (IOException | RuntimeException e) {
            LOG.warn("worker {}: failed handshake with {}: {}", self, socket.getRemoteSocketAddress(), e.toString());
            if (stream != null) {
                stream.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("worker {}: closing server socket: {}", self, e.toString());
        }
    }
}
