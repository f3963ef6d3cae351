package dev.weir.runtime.worker.transport;

import java.time.Duration;

/**
 * What a control-plane server gives a connection before it trusts it, and what it holds at most.
 * The port is reachable from the pod network, so everything a caller can make it keep (a
 * connection, a thread, a buffer) is bounded in size and time; a caller gets no work done before
 * its token was checked.
 *
 * @param firstRequestTimeout from the connection's opening (TCP, and TLS if on) to its first
 *                            request's complete headers; a connection still without one is closed
 * @param idleTimeout         how long a connection may wait for its next bytes, in any state
 * @param maxConnections      open connections in all; further ones wait in the accept queue
 * @param maxConnectionsPerPeer open connections from one remote address; further ones are closed at once
 * @param maxHeaderBytes      request line and headers together (431 above)
 * @param maxBodyBytes        a request body, read only after the token was accepted (413 above)
 * @param threads             the pool that parses and handles requests; slow or silent
 *                            connections wait in the selector and hold none of them
 */
public record ControlServerLimits(Duration firstRequestTimeout, Duration idleTimeout, int maxConnections,
                                  int maxConnectionsPerPeer, int maxHeaderBytes, int maxBodyBytes, int threads) {

    public ControlServerLimits {
        if (maxConnectionsPerPeer < 1 || maxConnections < maxConnectionsPerPeer) {
            throw new IllegalArgumentException("need 1 <= maxConnectionsPerPeer <= maxConnections");
        }
        if (threads < 4) {
            throw new IllegalArgumentException("threads must be at least 4 (acceptor, selector, handlers)");
        }
    }

    /**
     * The coordinator's port: every worker of every job reports here (heartbeats, acks, events),
     * each over a few pooled connections; in {@code weir local} all of them from one address.
     */
    public static ControlServerLimits coordinator() {
        return new ControlServerLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 4096, 128, 8 * 1024,
                16 << 20, 16);
    }

    /** A worker's port: its coordinator and the kubelet's probes are its only callers. */
    public static ControlServerLimits worker() {
        return new ControlServerLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 256, 32, 8 * 1024,
                1 << 20, 6);
    }

    public ControlServerLimits withFirstRequestTimeout(Duration timeout) {
        return new ControlServerLimits(timeout, idleTimeout, maxConnections, maxConnectionsPerPeer, maxHeaderBytes,
                maxBodyBytes, threads);
    }

    public ControlServerLimits withConnections(int total, int perPeer) {
        return new ControlServerLimits(firstRequestTimeout, idleTimeout, total, perPeer, maxHeaderBytes,
                maxBodyBytes, threads);
    }
}
