package dev.weir.runtime.worker.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.logging.ThrottledWarning;

/**
 * Watches a control server's network connections: closes one at once when its remote address
 * already holds {@code maxConnectionsPerPeer}, and closes one that has not delivered a complete
 * request within {@code firstRequestTimeout} of opening (slowly sent headers, a TLS handshake that
 * never finishes, silence). Jetty's idle timeout covers what comes after the first request; only
 * a caller with the token gets that far on a kept-alive connection.
 */
final class ConnectionGuard implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final String name;
    private final int maxPerPeer;
    private final Duration firstRequestTimeout;
    private final Scheduler scheduler;
    private final Map<InetAddress, Integer> perPeer = new HashMap<>();
    /**
     * By network end point: when Jetty reports a close, the end point has already closed its
     * channel and no longer knows its remote address.
     */
    private final Map<EndPoint, Tracked> open = new ConcurrentHashMap<>();
    /** The same connections by remote address, for {@link #served}: the handler knows a request's address only. */
    private final Map<SocketAddress, Tracked> byRemote = new ConcurrentHashMap<>();
    private final ThrottledWarning refusals = new ThrottledWarning(LOG, Duration.ofSeconds(10));

    /** One network connection: whether a request came, and the check that closes it otherwise. */
    private static final class Tracked {
        final SocketAddress remote;
        final InetAddress peer;
        volatile boolean served;
        volatile Scheduler.Task deadline;

        Tracked(InetSocketAddress remote) {
            this.remote = remote;
            this.peer = remote.getAddress();
        }
    }

    ConnectionGuard(String name, ControlServerLimits limits, Scheduler scheduler) {
        this.name = name;
        this.maxPerPeer = limits.maxConnectionsPerPeer();
        this.firstRequestTimeout = limits.firstRequestTimeout();
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        // Under TLS the HTTP connection sits on a decrypted end point: only the network one counts.
        if (!(endPoint instanceof SocketChannelEndPoint)
                || !(endPoint.getRemoteSocketAddress() instanceof InetSocketAddress remote)) {
            return;
        }
        InetAddress peer = remote.getAddress();
        if (!admit(peer)) {
            refusals.warn("{}: closed a connection from {}: it already has {} open", name, peer, maxPerPeer);
            endPoint.close();
            return;
        }
        Tracked tracked = new Tracked(remote);
        open.put(endPoint, tracked);
        byRemote.put(remote, tracked);
        tracked.deadline = scheduler.schedule(() -> expireIfIdle(endPoint, tracked),
                firstRequestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection connection) {
        // Under TLS the HTTP connection on the decrypted end point closes too: only the network one counts.
        Tracked tracked = open.remove(connection.getEndPoint());
        if (tracked == null) {
            return;
        }
        byRemote.remove(tracked.remote, tracked);
        Scheduler.Task deadline = tracked.deadline;
        if (deadline != null) {
            deadline.cancel();
        }
        release(tracked.peer);
    }

    /** The handler got a request from {@code remote}: its connection has earned the idle timeout. */
    void served(SocketAddress remote) {
        Tracked tracked = remote == null ? null : byRemote.get(remote);
        if (tracked != null) {
            tracked.served = true;
        }
    }

    private void expireIfIdle(EndPoint endPoint, Tracked tracked) {
        if (!tracked.served && open.get(endPoint) == tracked) {
            refusals.warn("{}: closed a connection from {} that sent no complete request within {} ms", name,
                    tracked.remote, firstRequestTimeout.toMillis());
            endPoint.close();
        }
    }

    private synchronized boolean admit(InetAddress peer) {
        int count = perPeer.getOrDefault(peer, 0);
        if (count >= maxPerPeer) {
            return false;
        }
        perPeer.put(peer, count + 1);
        return true;
    }

    private synchronized void release(InetAddress peer) {
        int count = perPeer.getOrDefault(peer, 0);
        if (count <= 1) {
            perPeer.remove(peer);
        } else {
            perPeer.put(peer, count - 1);
        }
    }
}
