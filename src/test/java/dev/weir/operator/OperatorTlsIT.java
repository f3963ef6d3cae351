package dev.weir.operator;

import static dev.weir.operator.OperatorEndToEndIT.loopback;
import static dev.weir.operator.OperatorTestEnv.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.JobPhase;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.GatedSource;
import dev.weir.testing.KeyedCountVerifier;
import dev.weir.testing.TestCertificates;
import dev.weir.testing.TestCertificates.KeyFormat;
import dev.weir.testing.TlsProbe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * Issue 13 §6 through the operator: the operator's coordinator serves mutual TLS from its own
 * certificate (the chart's tls.secretName), and every worker pod mounts the TLS Secret its job's
 * namespace holds (tls.workerSecretName), as the kubelet harness mounts Secret volumes. Both the
 * control plane (workers to coordinator and back) and the data plane (worker to worker) run over
 * TLS; clients without a certificate of the CA get nothing; a killed worker is replaced from the
 * latest checkpoint, and the output stays exactly-once.
 */
class OperatorTlsIT {

    private static final long RECORDS = 60_000;
    private static final long KEYS = 300;
    private static final String WORKER_SECRET = "weir-worker-tls";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the worker logs stay for a failure
    Path dir;

    @Test
    void killedWorkerRecoversExactlyOnceOverMutualTlsAndClientsWithoutACertificateAreRefused() throws Exception {
        TestCertificates ca = TestCertificates.newAuthority("weir-ca");
        Path operatorTls = ca.issue(dir.resolve("operator-tls"), "weir-operator", KeyFormat.RSA_PKCS1);
        Path workerTls = ca.issue(dir.resolve("worker-tls"), "weir-worker", KeyFormat.RSA_PKCS1);
        TransportTls ours = TransportTls.fromDirectory(ca.issue(dir.resolve("probe"), "probe", KeyFormat.EC_PKCS8));
        Path caFile = workerTls.resolve(TransportTls.CA_FILE);
        Path output = dir.resolve("out");
        Path gate = dir.resolve("gate");
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, loopback(0),
                     new OperatorInstance.Tls(operatorTls, WORKER_SECRET))) {
            fixture.env.client.resource(tlsSecret(workerTls, true)).create();
            // The sources hold after 20,000 records each until the gate opens: the job cannot end before the kill.
            fixture.gatedKeyedCount("counts", RECORDS, KEYS, 6_000, 20_000, gate, output);
            awaitRunningWithACheckpoint(fixture);

            InetSocketAddress coordinator = operator.server.address();
            // the coordinator has no health route: any HTTP answer shows the TLS session was accepted
            assertThat(TlsProbe.answer(coordinator, ours)).startsWith("HTTP/1.1 404");
            assertThat(TlsProbe.answerWithoutCertificate(coordinator, caFile)).isEqualTo(TlsProbe.REFUSED);
            assertThat(TlsProbe.plainAnswer(coordinator)).isEqualTo(TlsProbe.REFUSED);
            for (String pod : new String[] {"counts-a1-w0", "counts-a1-w1"}) {
                String ip = fixture.env.client.pods().inNamespace(NAMESPACE).withName(pod).get().getStatus().getPodIP();
                InetSocketAddress control = new InetSocketAddress(ip, ResourceNames.CONTROL_PORT);
                assertThat(TlsProbe.answer(control, ours)).startsWith("HTTP/1.1 200");
                assertThat(TlsProbe.answerWithoutCertificate(control, caFile)).isEqualTo(TlsProbe.REFUSED);
                assertThat(TlsProbe.plainAnswer(control)).isEqualTo(TlsProbe.REFUSED);
                assertThat(TlsProbe.handshakes(new InetSocketAddress(ip, ResourceNames.DATA_PORT), ours))
                        .as("the data port of %s speaks TLS with a certificate of the CA", pod).isTrue();
            }

            fixture.kubelet.killProcess("counts-a1-w1");
            fixture.await("counts", () -> fixture.status("counts").getAttempt() == 2
                    && fixture.status("counts").getPhase() == JobPhase.Running, Duration.ofSeconds(60));
            assertThat(fixture.status("counts").getRestoredFrom()).contains("/checkpoints/chk-");
            GatedSource.open(gate);
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Finished,
                    Duration.ofSeconds(120));
            assertThat(fixture.status("counts").getRestarts()).isEqualTo(1);
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
        for (String pod : new String[] {"counts-a1-w0", "counts-a2-w0", "counts-a2-w1"}) {
            assertThat(Files.readString(dir.resolve(pod + ".log"))).as(pod).contains("coordinator=https://");
        }
    }

    /**
     * A worker Secret made with {@code kubectl create secret tls} has no {@code ca.crt}: the worker
     * cannot start, and the job fails with the reason from the worker's log (the pod's
     * termination message), not just an exit code.
     */
    @Test
    void workerSecretWithoutTheCaFailsTheJobNamingTheMissingFile() throws Exception {
        TestCertificates ca = TestCertificates.newAuthority("weir-ca");
        Path operatorTls = ca.issue(dir.resolve("operator-tls"), "weir-operator", KeyFormat.RSA_PKCS1);
        Path workerTls = ca.issue(dir.resolve("worker-tls"), "weir-worker", KeyFormat.RSA_PKCS1);
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, loopback(0),
                     new OperatorInstance.Tls(operatorTls, WORKER_SECRET))) {
            fixture.env.client.resource(tlsSecret(workerTls, false)).create();
            fixture.keyedCount("counts", RECORDS, KEYS, 6_000, dir.resolve("out"), job -> {
                job.getSpec().getJob().setParallelism(1);
                job.getSpec().getRestartPolicy().setMaxRestarts(0);
            });
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Failed,
                    Duration.ofSeconds(60));
            assertThat(fixture.status("counts").getError()).contains("worker pod counts-a1-w0 failed (exit code 1)")
                    .contains("ca.crt cannot be read");
        }
    }

    /**
     * A kubernetes.io/tls Secret of {@code directory}'s files, as cert-manager writes it; without
     * {@code ca.crt} as {@code kubectl create secret tls} makes it.
     */
    private static Secret tlsSecret(Path directory, boolean withCa) throws IOException {
        Map<String, String> data = new LinkedHashMap<>();
        List<String> files = withCa
                ? List.of(TransportTls.CERTIFICATE_FILE, TransportTls.KEY_FILE, TransportTls.CA_FILE)
                : List.of(TransportTls.CERTIFICATE_FILE, TransportTls.KEY_FILE);
        for (String file : files) {
            data.put(file, Base64.getEncoder().encodeToString(Files.readAllBytes(directory.resolve(file))));
        }
        return new SecretBuilder().withNewMetadata().withName(WORKER_SECRET).withNamespace(NAMESPACE).endMetadata()
                .withType("kubernetes.io/tls").withData(data).build();
    }

    private static void awaitRunningWithACheckpoint(EndToEndFixture fixture) throws InterruptedException {
        fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Running
                && fixture.status("counts").getLastCheckpoint() != null, Duration.ofMinutes(3));
    }
}
