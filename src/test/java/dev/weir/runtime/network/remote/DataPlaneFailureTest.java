package dev.weir.runtime.network.remote;

import static dev.weir.runtime.network.remote.DataPlanes.LONGS;
import static dev.weir.runtime.network.remote.DataPlanes.batch;
import static dev.weir.runtime.network.remote.DataPlanes.loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.network.OutputChannel;

class DataPlaneFailureTest {

    private final List<DataPlane> planes = new ArrayList<>();

    @AfterEach
    void closePlanes() {
        planes.forEach(DataPlane::close);
    }

    private DataPlane plane(String token, int worker, long attempt) throws IOException {
        return plane(token, worker, attempt, (peer, cause) -> {});
    }

    private DataPlane plane(String token, int worker, long attempt, DataPlane.PeerLossListener onFailure)
            throws IOException {
        DataPlane plane = new DataPlane(token, worker, attempt, loopback(), onFailure);
        planes.add(plane);
        return plane;
    }

    @Test
    void peerWithAnotherTokenIsRefusedWithoutLeakingEitherToken() throws Exception {
        DataPlane acceptor = plane("acceptor-secret-91c2", 1, 1);
        DataPlane intruder = plane("intruder-secret-55d0", 0, 1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        Throwable refusal;
        String logged;
        try {
            refusal = catchConnect(intruder, Map.of(1, acceptor.address()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!log.toString(StandardCharsets.UTF_8).contains("refused") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            logged = log.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(stderr);
        }
        assertThat(refusal).isInstanceOf(IOException.class).hasMessageContaining("refused by worker 1: bad token");
        assertThat(logged).contains("WARN").contains("refused data connection").contains("bad token");
        for (String text : List.of(String.valueOf(refusal), logged)) {
            assertThat(text).doesNotContain("acceptor-secret-91c2").doesNotContain("intruder-secret-55d0");
        }
        assertThat(acceptor.connectedPeers()).isEmpty();
        assertThat(intruder.connectedPeers()).isEmpty();
    }

    @Test
    void peerOfAnotherAttemptIsRefused() throws Exception {
        DataPlane acceptor = plane(DataPlanes.TOKEN, 1, 2);
        DataPlane stale = plane(DataPlanes.TOKEN, 0, 1);
        assertThat(catchConnect(stale, Map.of(1, acceptor.address())))
                .hasMessageContaining("refused by worker 1: bad attempt");
        assertThat(acceptor.connectedPeers()).isEmpty();
    }

    @Test
    void unreachablePeerIsNamed() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress("127.0.0.1", reserved.getLocalPort());
        }
        DataPlane lonely = plane(DataPlanes.TOKEN, 0, 1);
        long start = System.nanoTime();
        assertThatThrownBy(() -> lonely.connect(Map.of(0, lonely.address(), 3, nobody), Duration.ofMillis(300)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot reach worker 3 at " + nobody);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));

        DataPlane waiting = plane(DataPlanes.TOKEN, 2, 1);
        assertThatThrownBy(() -> waiting.connect(Map.of(1, nobody), Duration.ofMillis(200)))
                .hasMessageContaining("worker 1 (" + nobody + ") did not connect within");
    }

    @Test
    void lostConnectionIsReportedOnceNamingThePeerBeforeBlockedProducersFail() throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        DataPlane producerSide = plane(DataPlanes.TOKEN, 0, 1, (peer, cause) -> failures.add("peer " + peer + ": "
                + cause.getMessage() + (producerError.get() == null ? " (producer still blocked)" : " (producer failed)")));
        DataPlane consumerSide = plane(DataPlanes.TOKEN, 1, 1);
        connect(producerSide, consumerSide);
        consumerSide.inputChannel(1, 0, LONGS, 1);
        OutputChannel out = producerSide.outputChannel(1, 1, LONGS);
        out.send(batch(1L));
        Thread producer = blockedSender(out, producerError);

        consumerSide.close(); // as if the peer process were killed

        producer.join(10_000);
        assertThat(producer.isAlive()).as("blocked producer released").isFalse();
        assertThat(producerError.get()).isInstanceOf(UncheckedIOException.class).hasMessageContaining("connection lost");
        Thread.sleep(100);
        // The cause reaches the worker (and from there the coordinator) before its symptom, a failing task.
        assertThat(failures).containsExactly("peer 1: connection to worker 1 lost (producer still blocked)");
        assertThat(producerSide.connectedPeers()).isEmpty();
    }

    @Test
    void aPeerThatSaidItFinishedClosesWithoutALoss() throws Exception {
        List<Integer> lost = new CopyOnWriteArrayList<>();
        DataPlane first = plane(DataPlanes.TOKEN, 0, 1, (peer, cause) -> lost.add(peer));
        DataPlane second = plane(DataPlanes.TOKEN, 1, 1, (peer, cause) -> lost.add(peer));
        DataPlane third = plane(DataPlanes.TOKEN, 2, 1, (peer, cause) -> lost.add(peer));
        DataPlanes.connectAll(List.of(first, second, third));

        // Worker 1 finished before worker 0 heard "finish": its close is the expected end.
        second.closeFinished();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (first.connectedPeers().contains(1) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(first.connectedPeers()).containsExactly(2);
        // A peer that ends without saying so is lost, as before.
        third.close();
        while (lost.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(100);
        assertThat(lost).containsExactly(2);
    }

    @Test
    void closeAndInterruptReleaseBlockedProducers() throws Exception {
        DataPlane producerSide = plane(DataPlanes.TOKEN, 0, 1);
        DataPlane consumerSide = plane(DataPlanes.TOKEN, 1, 1);
        connect(producerSide, consumerSide);
        consumerSide.inputChannel(1, 0, LONGS, 1);
        consumerSide.inputChannel(2, 0, LONGS, 1);
        OutputChannel first = producerSide.outputChannel(1, 1, LONGS);
        OutputChannel second = producerSide.outputChannel(2, 1, LONGS);
        first.send(batch(1L));
        second.send(batch(1L));
        AtomicReference<Throwable> interrupted = new AtomicReference<>();
        AtomicReference<Throwable> closed = new AtomicReference<>();
        Thread toInterrupt = blockedSender(first, interrupted);
        Thread toClose = blockedSender(second, closed);

        toInterrupt.interrupt();
        toInterrupt.join(10_000);
        assertThat(interrupted.get()).isInstanceOf(InterruptedException.class);

        producerSide.close();
        toClose.join(10_000);
        assertThat(toClose.isAlive()).isFalse();
        assertThat(closed.get()).as("after close a send returns without sending").isNull();
    }

    private static Thread blockedSender(OutputChannel out, AtomicReference<Throwable> error) throws InterruptedException {
        Thread producer = new Thread(() -> {
            try {
                out.send(batch(2L));
            } catch (Throwable t) {
                error.set(t);
            }
        });
        producer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(producer.getState()).as("producer blocked on credit").isEqualTo(Thread.State.WAITING);
        return producer;
    }

    private static void connect(DataPlane lower, DataPlane higher) throws Exception {
        Map<Integer, InetSocketAddress> peers = Map.of(0, lower.address(), 1, higher.address());
        CompletableFuture<Void> accepting = CompletableFuture.runAsync(() -> {
            try {
                higher.connect(peers, Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        lower.connect(peers, Duration.ofSeconds(10));
        accepting.get(10, TimeUnit.SECONDS);
    }

    private static Throwable catchConnect(DataPlane plane, Map<Integer, InetSocketAddress> peers) {
        try {
            plane.connect(peers, Duration.ofSeconds(5));
            return null;
        } catch (Exception e) {
            return e;
        }
    }
}
