package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.worker.transport.ControlServerLimits;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.JobCounters;
import dev.weir.testing.KeyedCountVerifier;
import dev.weir.testing.TestCertificates;
import dev.weir.testing.TestCertificates.KeyFormat;
import dev.weir.testing.TlsProbe;

/**
 * Issue 13 §6 on the deployed shape: the coordinator and worker processes with mutual TLS on
 * both planes, from a directory laid out like a mounted cert-manager Secret (PKCS#1 RSA key, as
 * cert-manager writes by default). The job checkpoints and commits keyed-count's output exactly
 * once; while it runs, a client that trusts the job's CA but shows a certificate of another CA is
 * refused on every port (coordinator, each worker's control and data port), and one that shows
 * a certificate of the job's CA is answered: the check can tell the two apart.
 */
class TlsPlanesIT {

    private static final long RECORDS = 120_000;
    private static final long KEYS = 300;
    private static final Pattern CONTROL = Pattern.compile("worker control endpoint listening on https://([\\d.]+):(\\d+)");
    private static final Pattern DATA = Pattern.compile("data plane listening on /([\\d.]+):(\\d+)");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the worker logs stay for a failure
    Path dir;

    @Test
    void jobRunsExactlyOnceOverMutualTlsAndPeersOfAnotherCaAreRefusedOnEveryPort() throws Exception {
        TestCertificates ca = TestCertificates.newAuthority("weir-job-ca");
        Path tlsDir = ca.issue(dir.resolve("tls"), "weir", KeyFormat.RSA_PKCS1);
        TransportTls ours = TransportTls.fromDirectory(ca.issue(dir.resolve("probe"), "probe", KeyFormat.EC_PKCS8));
        // an intruder that trusts the job's CA (it could fetch ca.crt) but has no certificate from it
        Path intruderDir = TestCertificates.newAuthority("intruder-ca").issue(dir.resolve("intruder"), "weir",
                KeyFormat.RSA_PKCS1);
        Files.copy(tlsDir.resolve("ca.crt"), intruderDir.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
        TransportTls intruder = TransportTls.fromDirectory(intruderDir);

        int parallelism = 2;
        Path output = dir.resolve("out");
        Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                "rate", "12000", "output", output.toString());
        JobCounters counters = new JobCounters();
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ControlServerLimits.coordinator(), TransportTls.fromDirectory(tlsDir))) {
            assertThat(server.baseUri().getScheme()).isEqualTo("https");
            CompletableFuture<JobResult> result = WorkerProcessTestJob.start("tls", parallelism, args, dir, server,
                    200, new RestartStrategy.Settings(50, 500, 2.0, 0, 600_000), counters);

            // the coordinator has no health route: any HTTP answer shows the TLS session was accepted
            assertThat(TlsProbe.answer(server.address(), ours)).startsWith("HTTP/1.1 404");
            assertThat(TlsProbe.answer(server.address(), intruder)).isEqualTo(TlsProbe.REFUSED);
            for (int worker = 0; worker < parallelism; worker++) {
                Path log = dir.resolve("logs/attempt-1/worker-" + worker + ".log");
                InetSocketAddress control = WorkerProcessTestJob.awaitLogged(log, CONTROL, result);
                assertThat(TlsProbe.answer(control, ours)).startsWith("HTTP/1.1 200");
                assertThat(TlsProbe.answer(control, intruder)).isEqualTo(TlsProbe.REFUSED);
                // the data port answers nothing a stranger could read, with or without TLS
                InetSocketAddress data = WorkerProcessTestJob.awaitLogged(log, DATA, result);
                assertThat(TlsProbe.answer(data, intruder)).isEqualTo(TlsProbe.REFUSED);
            }

            JobResult end = result.get(180, TimeUnit.SECONDS);
            assertThat(end.state()).as("%s", end.failure()).isEqualTo(JobResult.JobState.FINISHED);
            assertThat(end.restarts()).isZero();
            assertThat(counters.completed.get()).isGreaterThanOrEqualTo(1);
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
        for (int worker = 0; worker < parallelism; worker++) {
            String log = Files.readString(dir.resolve("logs/attempt-1/worker-" + worker + ".log"));
            assertThat(log).contains("coordinator=https://").contains("failed handshake with /127.0.0.1");
        }
    }
}
