package dev.weir.runtime.network.remote;

import static dev.weir.runtime.network.remote.DataPlanes.LONGS;
import static dev.weir.runtime.network.remote.DataPlanes.batch;
import static dev.weir.runtime.network.remote.DataPlanes.records;
import static dev.weir.runtime.network.remote.DataPlanes.take;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.OutputChannel;
import dev.weir.runtime.network.RecordBatch;

/**
 * Connections to a worker's data port that are not its peers, or peers that gave up (issue 13
 * §3): silent sockets, a flood of them, an abandoned dial that already sent its HELLO, and a
 * length header that asks for a large buffer before any token was shown. The attackers come from
 * their own loopback address (127.0.0.66), as another pod would from its own IP.
 */
class DataPlaneHostileConnectionTest {

    private static final String ATTACKER = "127.0.0.66";

    private final List<DataPlane> planes = new ArrayList<>();
    private final List<Socket> attackers = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket socket : attackers) {
            socket.close();
        }
        planes.forEach(DataPlane::close);
    }

    private List<DataPlane> start(int workers) throws IOException {
        for (int i = 0; i < workers; i++) {
            planes.add(new DataPlane(DataPlanes.TOKEN, i, 1, DataPlanes.loopback(), failures::add));
        }
        return planes;
    }

    private Socket attack(DataPlane target) throws IOException {
        Socket socket = new Socket();
        attackers.add(socket);
        socket.bind(new InetSocketAddress(ATTACKER, 0));
        socket.connect(target.address());
        return socket;
    }

    @Test
    void silentConnectionsQueuedAtStartDoNotKeepThePeerOut() throws Exception {
        List<DataPlane> workers = start(2);
        for (int i = 0; i < 4; i++) {
            attack(workers.get(1));
        }
        DataPlanes.connectAll(workers);

        assertRecordsFlow(workers.get(0), workers.get(1));
        assertThat(failures).isEmpty();
    }

    @Test
    void floodOfSilentConnectionsFromOneAddressDoesNotKeepThePeerOut() throws Exception {
        List<DataPlane> workers = start(3);
        for (int i = 0; i < 100; i++) {
            attack(workers.get(i % 2 + 1));
        }
        DataPlanes.connectAll(workers);

        assertRecordsFlow(workers.get(0), workers.get(2));
        assertRecordsFlow(workers.get(1), workers.get(2));
        assertThat(failures).isEmpty();
    }

    /**
     * A dialer that sent its HELLO and gave up before the answer (its handshake timed out on a busy
     * machine) must not become the connection: the acceptor would read EOF from it and fail the
     * attempt, and refuse the dialer's next try as a second connection for the pair.
     */
    @Test
    void abandonedDialDoesNotTakeThePeersPlace() throws Exception {
        List<DataPlane> workers = start(2);
        try (Socket abandoned = new Socket()) {
            abandoned.connect(workers.get(1).address());
            abandoned.getOutputStream().write(hello(DataPlanes.TOKEN, 0, 1));
            abandoned.getOutputStream().flush();
            abandoned.setSoTimeout(20_000);
            // the acceptor has judged the HELLO once its answer arrives; then the dialer gives up
            assertThat(abandoned.getInputStream().read()).isNotEqualTo(-1);
        }
        DataPlanes.connectAll(workers);

        assertRecordsFlow(workers.get(0), workers.get(1));
        Thread.sleep(200); // a reader that took the abandoned socket would have read its EOF by now
        assertThat(failures).isEmpty();
        assertThat(workers.get(1).connectedPeers()).containsExactly(0);
    }

    /** A length header is the first thing on a connection: it must not size a buffer before the token is checked. */
    @Test
    void largeLengthHeaderIsRefusedBeforeAnythingIsAllocated() throws Exception {
        List<DataPlane> workers = start(2);
        long allocatedBefore = allocatedBytesOfAllThreads();
        Socket socket = attack(workers.get(1));
        java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(header);
        out.writeInt(200 << 20);
        out.writeByte(FrameType.HELLO.code);
        out.writeInt(0);
        try {
            socket.getOutputStream().write(header.toByteArray());
            socket.getOutputStream().flush();
        } catch (java.net.SocketException refusedAlready) {
            // The acceptor may close as soon as it has read the length: the refusal this test wants.
        }
        socket.setSoTimeout(30_000);

        assertThat(readUntilClosed(socket.getInputStream())).as("bytes answered before closing").isZero();
        assertThat(allocatedBytesOfAllThreads() - allocatedBefore).as("bytes allocated meanwhile")
                .isLessThan(64L << 20);
        DataPlanes.connectAll(workers);
        assertRecordsFlow(workers.get(0), workers.get(1));
        assertThat(failures).isEmpty();
    }

    private void assertRecordsFlow(DataPlane producer, DataPlane consumer) throws Exception {
        int producerIndex = planes.indexOf(producer);
        int consumerIndex = planes.indexOf(consumer);
        int channel = 10 * producerIndex + consumerIndex + 1;
        ChannelQueue queue = consumer.inputChannel(channel, producerIndex, LONGS, 2);
        OutputChannel out = producer.outputChannel(channel, consumerIndex, LONGS);
        out.send(batch(7L, 8L));
        assertThat(records((RecordBatch) take(queue))).containsExactly(7L, 8L);
    }

    private static byte[] hello(String token, int worker, long attempt) throws IOException {
        FrameBuffer frame = new FrameBuffer(64);
        byte[] tokenBytes = token.getBytes(StandardCharsets.UTF_8);
        java.io.DataOutput out = frame.start(FrameType.HELLO, 0);
        out.writeInt(tokenBytes.length);
        out.write(tokenBytes);
        out.writeInt(worker);
        out.writeLong(attempt);
        frame.finish();
        return java.util.Arrays.copyOf(frame.array(), frame.length());
    }

    private static int readUntilClosed(InputStream in) throws IOException {
        int bytes = 0;
        try {
            while (in.read() != -1) {
                bytes++;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the acceptor kept the connection open for 30 s", e);
        } catch (IOException reset) {
            // closed with unread data: a reset is a close too
        }
        return bytes;
    }

    private static long allocatedBytesOfAllThreads() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }
}
