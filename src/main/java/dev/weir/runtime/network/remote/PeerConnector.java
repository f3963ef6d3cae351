package dev.weir.runtime.network.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BiPredicate;
import java.util.function.IntPredicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.logging.ThrottledWarning;
import dev.weir.runtime.tls.TransportTls;

/**
 * Makes the data plane's connections: listens for lower-indexed workers dialing in and dials the
 * higher-indexed ones, running the {@link Handshake} on each new socket. Hands every accepted or
 * dialed stream to {@code onConnected}; it never holds connections itself.
 *
 * <p>The port is open to anything that can reach it, so the acceptor trusts nothing before the
 * token: each accepted socket gets its own handshake thread (a silent one delays no other), a
 * short time to send its HELLO, and a frame limit that fits a HELLO; {@link HandshakeSlots}
 * bound how many handshakes run at once, in all and per remote address, and sockets beyond them
 * are closed at once (a peer's dial retries).
 */
final class PeerConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerConnector.class);
    /** Acceptor: from accept to the dialer's HELLO, which a peer sends as soon as it is connected. */
    static final int HELLO_TIMEOUT_MILLIS = 3_000;
    /** Dialer: for the acceptor's answer. Acceptor: for the dialer's confirmation once it accepted. */
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    static final int MAX_HANDSHAKES = 32;
    static final int MAX_HANDSHAKES_PER_ADDRESS = 4;
    private static final long DIAL_RETRY_MILLIS = 50;

    private final byte[] jobToken;
    private final TransportTls tls;
    private final int self;
    private final long attempt;
    private final IntPredicate isConnected;
    private final BiPredicate<Integer, FrameStream> onConnected;
    private final ServerSocket server;
    private final Thread acceptor;
    private final HandshakeSlots slots = new HandshakeSlots(MAX_HANDSHAKES, MAX_HANDSHAKES_PER_ADDRESS);
    private final ThrottledWarning refusals = new ThrottledWarning(LOG, Duration.ofSeconds(10));
    private final ThrottledWarning failedHandshakes = new ThrottledWarning(LOG, Duration.ofSeconds(10));
    private volatile boolean closed;

    /**
     * @param onConnected takes a handshaken stream as the connection to that peer; false if the
     *                    pair already has one (the stream is then closed here)
     */
    PeerConnector(byte[] jobToken, TransportTls tls, int self, long attempt, InetSocketAddress bindAddress,
                  IntPredicate isConnected, BiPredicate<Integer, FrameStream> onConnected) throws IOException {
        this.jobToken = jobToken;
        this.tls = tls;
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
        LOG.info("worker {}: data plane listening on {}", self, address());
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
                stream = new FrameStream(tls == null ? socket : tls.client(socket));
                stream.setReadTimeout((int) Math.min(HANDSHAKE_TIMEOUT_MILLIS, leftMillis));
                Handshake.dial(stream, hello, peer);
                stream.setReadTimeout(0);
                if (!onConnected.test(peer, stream)) {
                    stream.close();
                }
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
            InetAddress from = socket.getInetAddress();
            if (!slots.tryAcquire(from)) {
                refuse(socket);
                continue;
            }
            Thread handshake = new Thread(() -> {
                try {
                    accept(socket);
                } finally {
                    slots.release(from);
                }
            }, "weir-dataplane-" + self + "-handshake");
            handshake.setDaemon(true);
            handshake.start();
        }
    }

    /** No handshake slot is free for this source: close now; a peer's dial comes back in a moment. */
    private void refuse(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing was sent on it
        }
        refusals.warn("worker {}: closed a data connection from {} without a handshake: {} handshakes running"
                + " ({} at most, {} per address)", self, socket.getInetAddress(), slots.inUse(), MAX_HANDSHAKES,
                MAX_HANDSHAKES_PER_ADDRESS);
    }

    private void accept(Socket socket) {
        FrameStream stream = null;
        try {
            // Under TLS the handshake runs at the first read, so the HELLO timeout bounds it too.
            stream = new FrameStream(tls == null ? socket : tls.server(socket));
            stream.setReadTimeout(HELLO_TIMEOUT_MILLIS);
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
            stream.setReadTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            Handshake.awaitConfirm(stream);
            stream.setReadTimeout(0);
            if (closed || !onConnected.test(hello.workerIndex(), stream)) {
                LOG.warn("worker {}: dropped a second data connection from worker {} ({})", self,
                        hello.workerIndex(), stream.remoteAddress());
                stream.close();
            }
        } catch (IOException | RuntimeException e) {
            // Anyone can cause this (silence, garbage): at most one line per interval, however many.
            failedHandshakes.warn("worker {}: failed handshake with {}: {}", self, socket.getRemoteSocketAddress(),
                    e.toString());
            if (stream != null) {
                stream.close();
            } else {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // unusable either way
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
