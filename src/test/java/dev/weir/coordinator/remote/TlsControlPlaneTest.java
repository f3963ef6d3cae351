package dev.weir.coordinator.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.worker.CoordinatorClient;
import dev.weir.runtime.worker.RecordingWorkerHandler;
import dev.weir.runtime.worker.WorkerControlServer;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.ControlPlaneException;
import dev.weir.runtime.worker.transport.ControlServerLimits;
import dev.weir.runtime.worker.transport.JsonHttpClient;
import dev.weir.testing.HostileClients;
import dev.weir.testing.TestCertificates;
import dev.weir.testing.TestCertificates.KeyFormat;
import dev.weir.testing.TlsProbe;

/** Both directions of the control plane over mutual TLS (issue 13 §6), and who is turned away. */
class TlsControlPlaneTest {

    private static final String JOB = "keyed-count";
    private static final String TOKEN = "job-token-5be0a1";
    private static final JsonHttpClient.Settings FAST =
            new JsonHttpClient.Settings(Duration.ofSeconds(5), Duration.ofSeconds(10), 2, Duration.ofMillis(20));

    @TempDir
    Path dir;

    @Test
    void workersRegisterAndTheCoordinatorTriggersOverMutualTls() throws Exception {
        TestCertificates ca = TestCertificates.newAuthority("weir-ca");
        TransportTls coordinatorTls = TransportTls.fromDirectory(ca.issue(dir.resolve("operator"), "weir-operator",
                KeyFormat.RSA_PKCS1));
        TransportTls workerTls = TransportTls.fromDirectory(ca.issue(dir.resolve("worker"), "worker", KeyFormat.EC_SEC1));
        RecordingWorkerHandler handler = new RecordingWorkerHandler();
        try (CoordinatorServer server = new CoordinatorServer(loopback(), ControlServerLimits.coordinator(),
                coordinatorTls);
             WorkerControlServer worker = WorkerControlServer.start(loopback(), TOKEN, handler,
                     ControlServerLimits.worker(), workerTls.context())) {
            server.register(JOB, TOKEN, new RecordingEndpoint(1, 1));
            CoordinatorClient client = new CoordinatorClient(server.baseUri(), TOKEN, 1, FAST, workerTls, lost -> { });

            PeerList peers = client.register(registration(worker.address().getPort()));

            assertThat(server.baseUri().getScheme()).isEqualTo("https");
            assertThat(peers.workers()).hasSize(1);
            WorkerClient.forWorker(peers.workers().get(0), TOKEN, server.tls())
                    .triggerCheckpoint(new TriggerCheckpoint(1, 10, CheckpointType.CHECKPOINT));
            assertThat(handler.calls).containsExactly("trigger 1 10 CHECKPOINT");
        }
    }

    /**
     * A closed connection gives its peer's slot back under TLS too: a peer that has opened and
     * closed more connections than it may hold at once (served ones, ones refused in the
     * handshake, plain-text ones) is still served.
     */
    @Test
    void closedTlsConnectionsGiveTheirPeersSlotBack() throws Exception {
        TestCertificates ca = TestCertificates.newAuthority("weir-ca");
        Path serverDir = ca.issue(dir.resolve("server"), "weir-operator", KeyFormat.RSA_PKCS1);
        TransportTls client = TransportTls.fromDirectory(ca.issue(dir.resolve("client"), "worker", KeyFormat.EC_PKCS8));
        int perPeer = 8;
        try (CoordinatorServer server = new CoordinatorServer(loopback(),
                ControlServerLimits.coordinator().withConnections(64, perPeer), TransportTls.fromDirectory(serverDir))) {
            for (int i = 0; i < perPeer; i++) {
                // the coordinator has no health route: an HTTP answer shows the connection was let in
                assertThat(TlsProbe.answer(server.address(), client)).as("served connection %s", i)
                        .startsWith("HTTP/1.1 404");
                assertThat(TlsProbe.plainAnswer(server.address())).isEqualTo(TlsProbe.REFUSED);
                assertThat(TlsProbe.answerWithoutCertificate(server.address(), serverDir.resolve(TransportTls.CA_FILE)))
                        .isEqualTo(TlsProbe.REFUSED);
            }
            assertThat(TlsProbe.answer(server.address(), client)).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void clientsWithoutACertificateOfTheJobsCaAreRefusedEvenWithTheToken() throws Exception {
        TestCertificates ca = TestCertificates.newAuthority("weir-ca");
        TransportTls ours = TransportTls.fromDirectory(ca.issue(dir.resolve("ours"), "weir-operator", KeyFormat.EC_PKCS8));
        TransportTls theirs = TransportTls.fromDirectory(TestCertificates.newAuthority("other-ca")
                .issue(dir.resolve("theirs"), "worker", KeyFormat.EC_PKCS8));
        try (CoordinatorServer server = new CoordinatorServer(loopback(), ControlServerLimits.coordinator(), ours)) {
            server.register(JOB, TOKEN, new RecordingEndpoint(1, 1));

            assertThatThrownBy(() -> new CoordinatorClient(server.baseUri(), TOKEN, 1, FAST, theirs, lost -> { })
                    .register(registration(9000))).isInstanceOf(ControlPlaneException.class);
            String plain = server.baseUri().toString().replace("https://", "http://");
            assertThatThrownBy(() -> new CoordinatorClient(java.net.URI.create(plain), TOKEN, 1, FAST, lost -> { })
                    .register(registration(9000))).isInstanceOf(ControlPlaneException.class);
        }
    }

    /** Issue 13 §2 under TLS: connections that never start (or never finish) a handshake hold nothing a worker needs. */
    @Test
    void silentAndHalfSentConnectionsDoNotKeepWorkersOutOfATlsCoordinator() throws Exception {
        TestCertificates ca = TestCertificates.newAuthority("weir-ca");
        TransportTls ours = TransportTls.fromDirectory(ca.issue(dir.resolve("ours"), "weir-operator", KeyFormat.EC_PKCS8));
        try (CoordinatorServer server = new CoordinatorServer(loopback(), ControlServerLimits.coordinator(), ours);
             HostileClients attacker = new HostileClients()) {
            RecordingEndpoint endpoint = new RecordingEndpoint(1, 1);
            server.register(JOB, TOKEN, endpoint);
            attacker.silent(server.address(), 64);
            attacker.halfSentRequests(server.address(), "/v1/jobs/" + JOB + "/attempts/1/heartbeat", 64);
            // a TLS ClientHello record header that announces more than ever comes
            attacker.sending(server.address(), new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00});

            CoordinatorClient worker = new CoordinatorClient(server.baseUri(), TOKEN, 1,
                    JsonHttpClient.Settings.defaults(), ours, lost -> { });
            worker.register(registration(9000));
            worker.heartbeat(new Heartbeat(1, 0, 7));

            assertThat(endpoint.received).containsExactly(registration(9000), new Heartbeat(1, 0, 7));
        }
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static WorkerRegistration registration(int controlPort) {
        return new WorkerRegistration(JOB, 1, 0, "127.0.0.1", controlPort, 9000, null, null);
    }
}
