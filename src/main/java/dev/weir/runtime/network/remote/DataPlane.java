package dev.weir.runtime.network.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.OutputChannel;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.tls.TransportTls;

/**
 * The network endpoint of one worker process: exactly one TCP connection per pair of workers
 * (the lower index dials the higher), each carrying any number of channels in both directions,
 * with credit-based flow control per channel.
 *
 * <h2>Frames</h2>
 * Every frame is {@code [int length][byte type][int channelId][payload]}, where {@code length}
 * counts the bytes after itself (5 + payload). Integers are big-endian (DataOutput). Until the
 * handshake is done a length above a HELLO's largest is refused before anything is read or sized.
 * <ul>
 *   <li>HELLO (1), channel 0: {@code [int tokenLength][token UTF-8][int workerIndex][long attempt]},
 *       dialer → acceptor, first frame on a connection.</li>
 *   <li>HELLO_REPLY (2), channel 0: {@code [byte verdict][int workerIndex]}, acceptor → dialer;
 *       verdict 0 accepted, 1 bad token, 2 bad attempt, 3 unexpected worker index. On anything
 *       but 0 the acceptor closes the connection.</li>
 *   <li>HELLO_CONFIRM (8), channel 0: no payload, dialer → acceptor once it read an acceptance;
 *       only then is the connection the pair's ({@link Handshake}).</li>
 *   <li>BATCH (3): {@code [int count][count records]}, each record written by the channel's
 *       TypeSerializer. Costs the producer one credit.</li>
 *   <li>BARRIER (4): {@code [long checkpointId][long timestamp][byte CheckpointType ordinal][byte AlignmentType
 *       ordinal][long alignedTimeoutMs]}. The consumer's queue lets an unaligned barrier overtake
 *       the batches it holds.</li>
 *   <li>END_OF_DATA (5), END_OF_PARTITION (6): no payload.</li>
 *   <li>CREDIT (7): {@code [int n]}, consumer → producer: room for n more batches.</li>
 *   <li>WORKER_FINISHED (11), channel 0: no payload: all the sender's tasks finished, it sends
 *       nothing more and closes next; that close is not a loss ({@link #closeFinished}).</li>
 * </ul>
 *
 * <h2>Registration order</h2>
 * The consumer's {@link #inputChannel} sends the channel's initial credit; the producer sends
 * nothing on a channel, not even events (which otherwise need no credit), until that first credit
 * arrived. So a data frame always finds its input channel registered, the receiver never buffers
 * frames for unknown channels, and a data frame for an unknown channel is a protocol error. Credit
 * arriving before the producer registered its end is kept until it does.
 *
 * <h2>Failure</h2>
 * A connection that ends other than by {@link #close} (peer killed or closed, protocol error), and
 * not after the peer said it finished, is
 * reported once to the {@link PeerLossListener}, naming the peer, and then producers sending to
 * that peer fail with an UncheckedIOException instead of waiting for credit forever: the cause is
 * reported before its symptoms. {@link #close} releases blocked producers, whose sends then return
 * without sending.
 */
public final class DataPlane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);

    /** Hears of connections lost other than by {@link #close}, once each, on the connection's reader thread. */
    @FunctionalInterface
    public interface PeerLossListener {
        void peerLost(int peer, Throwable cause);
    }

    private final int self;
    private final PeerLossListener onFailure;
    private final PeerConnector connector;
    private final Map<Integer, PeerConnection> connections = new ConcurrentHashMap<>();
    private final Map<Integer, CreditAccount> credits = new ConcurrentHashMap<>();
    private final Map<Integer, RemoteInputChannel> inputs = new ConcurrentHashMap<>();
    private final Set<Integer> outputs = ConcurrentHashMap.newKeySet();
    private final PeerConnection.FrameHandler handler = new Dispatcher();
    private volatile ClassLoader userCode = DataPlane.class.getClassLoader();
    private volatile boolean closed;

    public DataPlane(String jobToken, int workerIndex, long attempt, InetSocketAddress bindAddress) throws IOException {
        this(jobToken, workerIndex, attempt, bindAddress, (peer, cause) -> {});
    }

    /** @param onFailure called once per connection lost other than by {@link #close} */
    public DataPlane(String jobToken, int workerIndex, long attempt, InetSocketAddress bindAddress,
                     PeerLossListener onFailure) throws IOException {
        this(jobToken, null, workerIndex, attempt, bindAddress, onFailure);
    }

    /**
     * @param tls       mutual TLS on every connection (both ends show a certificate of the job's CA);
     *                  null for plain TCP
     * @param onFailure called once per connection lost other than by {@link #close}
     */
    public DataPlane(String jobToken, TransportTls tls, int workerIndex, long attempt, InetSocketAddress bindAddress,
                     PeerLossListener onFailure) throws IOException {
        this.self = workerIndex;
        this.onFailure = onFailure;
        this.connector = new PeerConnector(Handshake.tokenBytes(jobToken), tls, workerIndex, attempt, bindAddress,
                connections::containsKey, this::register);
    }

    /**
     * The context class loader of the reader threads of connections made from now on: they run
     * the channels' serializers, which are the job's code. Set it to the job's user-code class
     * loader before peers can learn of this worker (its registration), so every connection has it.
     */
    public void useClassLoader(ClassLoader userCodeClassLoader) {
        this.userCode = userCodeClassLoader;
    }

    public InetSocketAddress address() {
        return connector.address();
    }

    /**
     * Connects to every other worker in {@code peers} (which may include this worker): dials the
     * higher indexes, waits for the lower ones to dial in. Returns when all are connected.
     *
     * @throws IOException naming the first peer that could not be reached, or that refused us
     */
    public void connect(Map<Integer, InetSocketAddress> peers, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Integer, InetSocketAddress> sorted = new TreeMap<>(peers);
        for (Map.Entry<Integer, InetSocketAddress> peer : sorted.entrySet()) {
            if (peer.getKey() > self && !connections.containsKey(peer.getKey())) {
                connector.dial(peer.getKey(), peer.getValue(), deadline, timeout);
            }
        }
        synchronized (connections) {
            for (Map.Entry<Integer, InetSocketAddress> peer : sorted.entrySet()) {
                while (peer.getKey() < self && !connections.containsKey(peer.getKey())) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed) {
                        throw new IOException("worker " + self + ": worker " + peer.getKey() + " (" + peer.getValue()
                                + ") did not connect within " + timeout);
                    }
                    connections.wait(Math.max(1, left / 1_000_000));
                }
            }
        }
        LOG.info("worker {}: data plane connected to workers {}", self, connectedPeers());
    }

    /** Takes a handshaken stream as the connection to {@code peer}; false if closed or the pair has one. */
    private boolean register(int peer, FrameStream stream) {
        PeerConnection connection = new PeerConnection(self, peer, stream, handler, userCode);
        synchronized (connections) {
            if (closed || connections.containsKey(peer)) {
                return false;
            }
            connections.put(peer, connection);
            connections.notifyAll();
        }
        connection.start();
        return true;
    }

    /** The workers this one has a live connection to. */
    public Set<Integer> connectedPeers() {
        return Set.copyOf(connections.keySet());
    }

    /** The producer end of channel {@code channelId}, whose consumer runs on {@code consumerWorker}. */
    public OutputChannel outputChannel(int channelId, int consumerWorker, TypeSerializer<Object> serializer) {
        PeerConnection connection = connection(consumerWorker);
        if (!outputs.add(channelId)) {
            throw new IllegalStateException("worker " + self + ": output channel " + channelId + " registered twice");
        }
        CreditAccount credit = credits.computeIfAbsent(channelId, id -> new CreditAccount(id, consumerWorker));
        if (credit.consumerWorker() != consumerWorker) {
            throw new IllegalStateException("worker " + self + ": channel " + channelId + " is consumed by worker "
                    + credit.consumerWorker() + ", not " + consumerWorker);
        }
        return new RemoteOutputChannel(channelId, connection, credit, serializer);
    }

    /**
     * The consumer end of channel {@code channelId}, produced on {@code producerWorker}: a queue
     * of {@code capacity} batches that this data plane fills. Opens the channel (initial credit).
     */
    public ChannelQueue inputChannel(int channelId, int producerWorker, TypeSerializer<Object> serializer, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        PeerConnection connection = connection(producerWorker);
        RemoteInputChannel channel = new RemoteInputChannel(channelId, producerWorker, connection, serializer,
                new ChannelQueue(capacity));
        if (inputs.putIfAbsent(channelId, channel) != null) {
            throw new IllegalStateException("worker " + self + ": input channel " + channelId + " registered twice");
        }
        try {
            channel.open();
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + self + ": cannot open channel " + channelId, e);
        }
        return channel.queue();
    }

    /** Credit the producer end of a channel holds now; for tests and metrics. */
    int availableCredit(int channelId) {
        CreditAccount credit = credits.get(channelId);
        return credit == null ? 0 : credit.available();
    }

    private PeerConnection connection(int peer) {
        if (peer == self) {
            throw new IllegalArgumentException("worker " + self + ": a channel within the worker is not remote");
        }
        PeerConnection connection = connections.get(peer);
        if (connection == null) {
            throw new IllegalStateException("worker " + self + " has no connection to worker " + peer
                    + " (not connected yet, or lost)");
        }
        return connection;
    }

    /**
     * All this worker's tasks finished: tells every peer so before closing, so a peer that has not
     * yet heard "finish" from the coordinator does not take this close for a crash.
     */
    public void closeFinished() {
        connections.values().forEach(PeerConnection::sayFinished);
        close();
    }

    @Override
    public void close() {
        closed = true;
        connector.close();
        connections.values().forEach(PeerConnection::close);
        credits.values().forEach(CreditAccount::close);
        inputs.values().forEach(channel -> channel.queue().close());
        synchronized (connections) {
            connections.notifyAll();
        }
    }

    /** Runs on the connections' reader threads. */
    private final class Dispatcher implements PeerConnection.FrameHandler {

        @Override
        public void onFrame(PeerConnection from, FrameStream frame) throws Exception {
            int channelId = frame.channelId();
            FrameType type = frame.type();
            if (type == FrameType.CREDIT) {
                credits.computeIfAbsent(channelId, id -> new CreditAccount(id, from.remoteWorker()))
                        .grant(frame.payload().readInt());
                return;
            }
            if (type == FrameType.WORKER_FINISHED) {
                from.peerFinished();
                return;
            }
            if (type == FrameType.HELLO || type == FrameType.HELLO_REPLY) {
                throw new IOException("unexpected " + type + " after the handshake");
            }
            RemoteInputChannel channel = inputs.get(channelId);
            if (channel == null || channel.producerWorker() != from.remoteWorker()) {
                throw new IOException("worker " + from.remoteWorker() + " sent " + type + " for channel " + channelId
                        + ", which is not an open input channel from it");
            }
            channel.onFrame(type, frame.payload());
            if (frame.payloadRemaining() != 0) {
                throw new IOException("channel " + channelId + ": " + frame.payloadRemaining()
                        + " bytes of a " + type + " frame left unread (serializers disagree)");
            }
        }

        @Override
        public void onConnectionLost(PeerConnection connection, IOException cause) {
            synchronized (connections) {
                connections.remove(connection.remoteWorker(), connection);
            }
            if (closed) {
                return;
            }
            onFailure.peerLost(connection.remoteWorker(), cause);
            failProducersTo(connection.remoteWorker(), cause);
        }

        @Override
        public void onPeerFinished(PeerConnection connection) {
            synchronized (connections) {
                connections.remove(connection.remoteWorker(), connection);
            }
            // Its inputs all ended, so nothing here should still send to it; if something does, it fails, not hangs.
            failProducersTo(connection.remoteWorker(),
                    new IOException("worker " + connection.remoteWorker() + " finished and closed its connection"));
        }

        private void failProducersTo(int peer, IOException cause) {
            for (CreditAccount credit : credits.values()) {
                if (credit.consumerWorker() == peer) {
                    credit.fail(cause);
                }
            }
        }
    }
}
