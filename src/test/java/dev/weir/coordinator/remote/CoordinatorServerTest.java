package dev.weir.coordinator.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.worker.CoordinatorClient;
import dev.weir.runtime.worker.LogCapture;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.PeerLost;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.ControlPlaneException;
import dev.weir.runtime.worker.transport.JsonHttpClient;

class CoordinatorServerTest {

    private static final String JOB = "keyed-count";
    private static final String TOKEN = "job-token-9d2e41";
    private static final JsonHttpClient.Settings FAST =
            new JsonHttpClient.Settings(Duration.ofMillis(500), Duration.ofSeconds(2), 3, Duration.ofMillis(20));

    private final RecordingEndpoint endpoint = new RecordingEndpoint(1, 3);
    private final List<ControlPlaneException> lostEvents = new CopyOnWriteArrayList<>();
    private CoordinatorServer server;

    @BeforeEach
    void start() throws IOException {
        server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.register(JOB, TOKEN, endpoint);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void workersSeeAllPeersOnlyAfterTheLastOneRegistered() throws Exception {
        CoordinatorClient w0 = client(TOKEN);
        CoordinatorClient w1 = client(TOKEN);
        CoordinatorClient w2 = client(TOKEN);
        w0.register(registration(1, 0));
        PeerList afterSecond = w1.register(registration(1, 1));
        assertThat(afterSecond.workers()).hasSize(2);

        CompletableFuture<PeerList> peers = CompletableFuture.supplyAsync(() -> {
            try {
                return w0.awaitPeers(Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        assertThat(peers).isNotDone();

        w2.register(registration(1, 2));

        PeerList all = peers.get(5, TimeUnit.SECONDS);
        assertThat(all.attempt()).isEqualTo(1);
        assertThat(all.workers()).containsExactly(registration(1, 0), registration(1, 1), registration(1, 2));
        assertThat(w2.awaitPeers(Duration.ofSeconds(1)).workers()).hasSize(3);
    }

    @Test
    void awaitPeersGivesUpAfterItsTimeout() throws Exception {
        CoordinatorClient w0 = client(TOKEN);
        w0.register(registration(1, 0));

        assertThatThrownBy(() -> w0.awaitPeers(Duration.ofMillis(200)))
                .isInstanceOf(java.util.concurrent.TimeoutException.class)
                .hasMessageContaining("1 of 3 workers");
    }

    @Test
    void reportsReachTheEndpointWithTheirContent() throws Exception {
        CoordinatorClient w1 = client(TOKEN);
        w1.register(registration(1, 1));
        ExecutionVertexId vertex = new ExecutionVertexId("counts", 1);
        TaskAcknowledgement ack = new TaskAcknowledgement(7, vertex, Map.of("counts",
                new OperatorSubtaskState(1, null, Map.of(43, new StateHandle("chk-7/counts-1-43-85.state", 0, 31)))));

        w1.acknowledgeCheckpoint(ack);
        w1.declineCheckpoint(8, vertex, "state upload failed");
        w1.endOfData(vertex);
        w1.finished(vertex);
        w1.failed(vertex, new IllegalStateException("boom"));
        w1.heartbeat(new Heartbeat(1, 1, 12345));
        w1.reportLostPeer(2, new IOException("connection to worker 2 lost", new java.io.EOFException()));

        assertThat(endpoint.received).containsExactly(
                registration(1, 1),
                new Acknowledge(1, ack),
                new Decline(1, 8, vertex, "state upload failed"),
                new TaskEvent(1, vertex, TaskEvent.Kind.END_OF_DATA, null),
                new TaskEvent(1, vertex, TaskEvent.Kind.FINISHED, null),
                new TaskEvent(1, vertex, TaskEvent.Kind.FAILED, "java.lang.IllegalStateException: boom"),
                new Heartbeat(1, 1, 12345),
                new PeerLost(1, 1, 2, "connection to worker 2 lost: java.io.EOFException"));
        assertThat(lostEvents).isEmpty();
    }

    @Test
    void wrongTokenIsRejectedWithAClearErrorAndNoTokenInLogs() {
        String wrong = "not-the-job-token-31337";
        try (LogCapture logs = new LogCapture()) {
            assertThatThrownBy(() -> client(wrong).register(registration(1, 0)))
                    .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.status()).isEqualTo(404))
                    .hasMessageContaining("HTTP 404: invalid bearer token for job keyed-count, or no such job here")
                    .hasMessageContaining("did not accept the job token")
                    .hasMessageNotContaining(wrong);

            assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("/register") && l.contains("127.0.0.1"));
            assertThat(logs.lines()).noneMatch(l -> l.contains(TOKEN) || l.contains(wrong));
        }
        assertThat(endpoint.received).isEmpty();
    }

    @Test
    void unknownJobIsNotFoundAsIfTheTokenWereWrong() {
        CoordinatorClient other = client(TOKEN);

        assertThatThrownBy(() -> other.register(new WorkerRegistration("no-such-job", 1, 0, "127.0.0.1", 1, 2, null, null)))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("invalid bearer token for job no-such-job, or no such job here");
    }

    @Test
    void unregisteredJobIsNotFoundAnyMore() {
        server.unregister(JOB);

        assertThatThrownBy(() -> client(TOKEN).register(registration(1, 0)))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void staleAttemptIsGone() throws Exception {
        CoordinatorClient w0 = client(TOKEN);
        w0.register(registration(1, 0));
        endpoint.newAttempt(2, 3);

        assertThatThrownBy(() -> w0.awaitPeers(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> {
                    assertThat(e.status()).isEqualTo(410);
                    assertThat(e.isAttemptGone()).isTrue();
                })
                .hasMessageContaining("attempt 1 is not the current attempt (2)");
        assertThatThrownBy(() -> client(TOKEN).register(registration(1, 1)))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.status()).isEqualTo(410));

        w0.finished(new ExecutionVertexId("counts", 0));
        assertThat(lostEvents).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(410));
    }

    @Test
    void secondWorkerClaimingATakenIndexIsAConflict() throws Exception {
        client(TOKEN).register(registration(1, 0));

        assertThatThrownBy(() -> client(TOKEN).register(new WorkerRegistration(JOB, 1, 0, "127.0.0.99", 7000, 7001, null, null)))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("already registered");
    }

    @Test
    void messageForAnotherAttemptThanItsUrlIsABadRequest() throws Exception {
        CoordinatorClient w0 = client(TOKEN);
        w0.register(registration(1, 0));

        assertThatThrownBy(() -> w0.heartbeat(new Heartbeat(5, 0, 1)))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void retriesWhileTheCoordinatorIsNotYetListening() throws Exception {
        int port = server.address().getPort();
        server.close();
        CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(60);
                server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                server.register(JOB, TOKEN, endpoint);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        JsonHttpClient.Settings patient =
                new JsonHttpClient.Settings(Duration.ofMillis(500), Duration.ofSeconds(2), 6, Duration.ofMillis(40));
        CoordinatorClient w0 = new CoordinatorClient(URI.create("http://127.0.0.1:" + port), TOKEN, 3, patient,
                lostEvents::add);

        assertThat(w0.register(registration(1, 0)).workers()).hasSize(1);
        restart.get(5, TimeUnit.SECONDS);
    }

    @Test
    void refusingServerAnswers503OnClosingConnectionsAndTakesNothing() throws Exception {
        CoordinatorClient w0 = client(TOKEN);
        w0.register(registration(1, 0));
        server.refuse("not the leader");

        assertThatThrownBy(() -> w0.heartbeat(new Heartbeat(1, 0, 1)))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.getMessage()).contains("not the leader");
                });
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        server.baseUri().resolve("/v1/jobs/" + JOB + "/attempts/1/peers")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Connection")).hasValue("close");
        assertThat(endpoint.received).containsExactly(registration(1, 0));

        server.serve();
        w0.heartbeat(new Heartbeat(1, 0, 2));
        assertThat(endpoint.received).containsExactly(registration(1, 0), new Heartbeat(1, 0, 2));
    }

    /**
     * Workers paused in the middle of sending a request (a GC pause, a starved CPU) hold a server
     * thread each while the server waits for the rest of the body: twice as many as the threads
     * the server keeps must not keep another worker's heartbeats from being answered.
     */
    @Test
    void heartbeatsAreAnsweredWhileStalledRequestsHoldServerThreads() throws Exception {
        CoordinatorClient w0 = client(TOKEN);
        w0.register(registration(1, 0));
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
                socket.getOutputStream().write(("POST /v1/jobs/" + JOB + "/attempts/1/ack HTTP/1.1\r\n"
                        + "Host: coordinator\r\nAuthorization: Bearer " + TOKEN + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"attempt\":1,")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                stalled.add(socket);
            }
            Thread.sleep(500);
            for (int beat = 0; beat < 3; beat++) {
                // One try, no retry (a heartbeat's own client): answered, or this throws.
                w0.heartbeat(new Heartbeat(1, 0, beat));
            }
            assertThat(endpoint.received).contains(new Heartbeat(1, 0, 0), new Heartbeat(1, 0, 1), new Heartbeat(1, 0, 2));
            assertThat(endpoint.received).noneMatch(m -> m instanceof Acknowledge);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void unreachableCoordinatorFailsAfterBoundedRetries() throws Exception {
        CoordinatorClient w0 = client(TOKEN);
        w0.register(registration(1, 0));
        server.close();

        long start = System.nanoTime();
        assertThatThrownBy(() -> w0.heartbeat(new Heartbeat(1, 0, 1)))
                .isInstanceOfSatisfying(ControlPlaneException.class,
                        e -> assertThat(e.status()).isEqualTo(ControlPlaneException.UNREACHABLE));
        w0.endOfData(new ExecutionVertexId("counts", 0));
        assertThat(lostEvents).as("heartbeats repeat which tasks ended").isEmpty();
        w0.failed(new ExecutionVertexId("counts", 0), new IllegalStateException("boom"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(lostEvents).hasSize(1);
    }

    private CoordinatorClient client(String token) {
        return new CoordinatorClient(server.baseUri(), token, 3, FAST, lostEvents::add);
    }

    private static WorkerRegistration registration(long attempt, int worker) {
        return new WorkerRegistration(JOB, attempt, worker, "127.0.0." + (worker + 2), 8000 + worker, 9000 + worker, null, null);
    }
}
