package dev.weir.coordinator.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.worker.CoordinatorClient;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.ControlPlaneException;
import dev.weir.runtime.worker.transport.ControlServerLimits;
import dev.weir.runtime.worker.transport.JsonHttpClient;
import dev.weir.testing.HostileClients;
import dev.weir.testing.TlsProbe;

/**
 * The coordinator's port as an attacker or a careless client meets it (issue 13 §2): requests
 * whose headers never end, connections that never speak, requests without a token, and job names
 * guessed without one. The real workers must be served throughout.
 */
class CoordinatorServerHostileClientTest {

    private static final String JOB = "keyed-count";
    private static final String TOKEN = "job-token-9d2e41";
    private static final String HEARTBEAT = "/v1/jobs/" + JOB + "/attempts/1/heartbeat";
    /** A worker's own client, as patient as in production: 4 tries over about a second. */
    private static final JsonHttpClient.Settings WORKER = JsonHttpClient.Settings.defaults();

    private final RecordingEndpoint endpoint = new RecordingEndpoint(1, 2);
    private final List<ControlPlaneException> lostEvents = new CopyOnWriteArrayList<>();
    private final HostileClients attacker = new HostileClients();
    private CoordinatorServer server;

    @BeforeEach
    void start() throws IOException {
        server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.register(JOB, TOKEN, endpoint);
    }

    @AfterEach
    void stop() {
        attacker.close();
        server.close();
    }

    @Test
    void halfSentRequestsDoNotStallRegistrationOrHeartbeats() throws Exception {
        attacker.halfSentRequests(server.address(), HEARTBEAT, 64);

        CoordinatorClient worker = new CoordinatorClient(server.baseUri(), TOKEN, 2, WORKER, lostEvents::add);
        worker.register(registration(0));
        worker.heartbeat(new Heartbeat(1, 0, 42));

        assertThat(endpoint.received).containsExactly(registration(0), new Heartbeat(1, 0, 42));
    }

    @Test
    void halfSentRequestsOpenedWhileWorkersRunDoNotStallTheirHeartbeats() throws Exception {
        CoordinatorClient worker = new CoordinatorClient(server.baseUri(), TOKEN, 2, WORKER, lostEvents::add);
        worker.register(registration(0));
        worker.heartbeat(new Heartbeat(1, 0, 1));

        attacker.halfSentRequests(server.address(), HEARTBEAT, 64);
        for (int beat = 2; beat <= 5; beat++) {
            worker.heartbeat(new Heartbeat(1, 0, beat));
        }

        assertThat(endpoint.received).hasSize(6).last().isEqualTo(new Heartbeat(1, 0, 5));
    }

    /**
     * Without a valid token a caller must not learn which job names exist: a known job and an
     * unknown one answer with the same status and body, with no token and with a wrong one.
     */
    /**
     * A closed connection gives its peer's slot back: a peer that has opened and closed more
     * connections than it may hold at once is still served. Jetty reports the close when the end
     * point no longer knows its remote address; before, every connection kept its slot for the
     * server's life, so a coordinator that had reconnected 32 times to a worker (one connection per
     * call once checkpoints are further apart than the idle timeout) was shut out for good.
     */
    @Test
    void closedConnectionsGiveTheirPeersSlotBack() throws Exception {
        int perPeer = 8;
        try (CoordinatorServer limited = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ControlServerLimits.coordinator().withConnections(64, perPeer), null)) {
            for (int i = 0; i <= 3 * perPeer; i++) {
                // the coordinator has no health route: an HTTP answer shows the connection was let in
                assertThat(TlsProbe.plainAnswer(limited.address())).as("connection %s", i).startsWith("HTTP/1.1 404");
            }
        }
    }

    @Test
    void knownAndUnknownJobNamesAnswerAlikeWithoutAValidToken() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String authorization : new String[] {null, "Bearer guessed-token-0000"}) {
            HttpResponse<String> known = post(http, "/v1/jobs/" + JOB + "/attempts/1/heartbeat", authorization);
            HttpResponse<String> unknown = post(http, "/v1/jobs/no-such-job/attempts/1/heartbeat", authorization);

            assertThat(unknown.statusCode()).as("token %s", authorization).isEqualTo(known.statusCode());
            assertThat(unknown.body().replace("no-such-job", JOB)).as("token %s", authorization)
                    .isEqualTo(known.body());
        }
        assertThat(endpoint.received).isEmpty();
    }

    @Test
    void requestWithoutATokenIsAnsweredWithoutItsBodyBeingWaitedFor() throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(HostileClients.ATTACKER_ADDRESS, 0));
            socket.connect(server.address());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + HEARTBEAT + " HTTP/1.1\r\nHost: weir\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(20_000);
            String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

            assertThat(statusLine).startsWith("HTTP/1.1 4");
            assertThat(HostileClients.closedByServer(socket, 20_000)).as("connection closed after the refusal").isTrue();
        }
        assertThat(endpoint.received).isEmpty();
    }

    @Test
    void connectionsThatSendNoCompleteRequestAreClosedAfterTheFirstRequestTimeout() throws Exception {
        server.close();
        server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ControlServerLimits.coordinator().withFirstRequestTimeout(Duration.ofMillis(300)), null);
        server.register(JOB, TOKEN, endpoint);
        List<Socket> silent = attacker.silent(server.address(), 3);
        List<Socket> halfSent = attacker.halfSentRequests(server.address(), HEARTBEAT, 3);

        for (Socket socket : concat(silent, halfSent)) {
            assertThat(HostileClients.closedByServer(socket, 20_000)).isTrue();
        }
        CoordinatorClient worker = new CoordinatorClient(server.baseUri(), TOKEN, 2, WORKER, lostEvents::add);
        worker.register(registration(0));
        Thread.sleep(600);
        worker.heartbeat(new Heartbeat(1, 0, 1));
        assertThat(endpoint.received).containsExactly(registration(0), new Heartbeat(1, 0, 1));
    }

    @Test
    void connectionsBeyondTheLimitPerPeerAreClosedAtOnceWhileOtherPeersAreServed() throws Exception {
        server.close();
        server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ControlServerLimits.coordinator().withConnections(64, 8), null);
        server.register(JOB, TOKEN, endpoint);
        List<Socket> sockets = attacker.silent(server.address(), 40);

        // 8 are admitted (until the 10 s first-request timeout), the other 32 closed at once
        java.util.Set<Socket> closed = new java.util.HashSet<>();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(6);
        while (closed.size() < 32 && System.nanoTime() < deadline) {
            for (Socket socket : sockets) {
                if (!closed.contains(socket) && HostileClients.closedByServer(socket, 1)) {
                    closed.add(socket);
                }
            }
        }
        assertThat(closed).as("connections closed of 40 from one address").hasSize(32);
        for (Socket socket : sockets) {
            if (!closed.contains(socket)) {
                assertThat(HostileClients.closedByServer(socket, 1)).as("admitted connection still open").isFalse();
            }
        }
        CoordinatorClient worker = new CoordinatorClient(server.baseUri(), TOKEN, 2, WORKER, lostEvents::add);
        worker.register(registration(0));
        assertThat(endpoint.received).containsExactly(registration(0));
    }

    private static List<Socket> concat(List<Socket> first, List<Socket> second) {
        List<Socket> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private HttpResponse<String> post(HttpClient http, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"attempt\":1,\"worker\":0,\"timestamp\":1}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static WorkerRegistration registration(int worker) {
        return new WorkerRegistration(JOB, 1, worker, "127.0.0." + (worker + 2), 8000 + worker, 9000 + worker, null, null);
    }
}
