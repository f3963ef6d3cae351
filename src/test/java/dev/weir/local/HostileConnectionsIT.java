package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.HostileClients;
import dev.weir.testing.JobCounters;
import dev.weir.testing.KeyedCountVerifier;

/**
 * Issue 13 §2 and §3 on the deployed shape (worker processes, the coordinator here): half-sent
 * requests and silent connections against the coordinator while the workers register, against
 * the workers' control and data ports as soon as they listen, and all of it again, with oversized
 * length headers on the data ports, once checkpoints complete. No restart is allowed: the attempt
 * must run through, keep checkpointing, and commit keyed-count's output exactly once.
 */
class HostileConnectionsIT {

    private static final long RECORDS = 240_000;
    private static final long KEYS = 400;
    private static final Pattern CONTROL = Pattern.compile("worker control endpoint listening on http://([\\d.]+):(\\d+)");
    private static final Pattern DATA = Pattern.compile("data plane listening on /([\\d.]+):(\\d+)");

    @TempDir
    Path dir;

    @Test
    void jobRunsThroughAttacksOnEveryPortWithExactlyOnceOutput() throws Exception {
        int parallelism = 2;
        Path output = dir.resolve("out");
        Map<String, String> args = Map.of("records", Long.toString(RECORDS), "keys", Long.toString(KEYS),
                "rate", "15000", "output", output.toString());
        JobCounters counters = new JobCounters();
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             HostileClients attacker = new HostileClients();
             HostileClients another = new HostileClients("127.0.0.67")) {
            // during registration: the coordinator's port is known before any worker starts
            String heartbeat = "/v1/jobs/hostile/attempts/1/heartbeat";
            attacker.halfSentRequests(server.address(), heartbeat, 64);
            attacker.silent(server.address(), 32);

            CompletableFuture<JobResult> result = WorkerProcessTestJob.start("hostile", parallelism, args, dir, server,
                    150, new RestartStrategy.Settings(50, 500, 2.0, 0, 600_000), counters);

            // as soon as each worker listens (before its peers connect, if the logs tell in time)
            List<InetSocketAddress> controlPorts = new ArrayList<>();
            List<InetSocketAddress> dataPorts = new ArrayList<>();
            for (int worker = 0; worker < parallelism; worker++) {
                Path log = dir.resolve("logs/attempt-1/worker-" + worker + ".log");
                InetSocketAddress data = WorkerProcessTestJob.awaitLogged(log, DATA, result);
                attacker.silent(data, 8);
                dataPorts.add(data);
                InetSocketAddress control = WorkerProcessTestJob.awaitLogged(log, CONTROL, result);
                attacker.halfSentRequests(control, "/v1/checkpoints/trigger", 16);
                attacker.silent(control, 8);
                controlPorts.add(control);
            }

            // steady state: again on every port once checkpoints complete, then more must complete
            awaitCompleted(counters, 2, result);
            attacker.halfSentRequests(server.address(), heartbeat, 64);
            for (int worker = 0; worker < parallelism; worker++) {
                attacker.halfSentRequests(controlPorts.get(worker), "/v1/checkpoints/trigger", 32);
                attacker.silent(dataPorts.get(worker), 32);
                // from another address: the first one's handshake slots are taken by its silent sockets
                another.sending(dataPorts.get(worker), oversizedLengthHeader());
            }
            long underAttack = counters.completed.get();
            awaitCompleted(counters, underAttack + 3, result);

            JobResult end = result.get(180, TimeUnit.SECONDS);
            assertThat(end.state()).as("%s", end.failure()).isEqualTo(JobResult.JobState.FINISHED);
            assertThat(end.restarts()).isZero();
            assertThat(counters.completed.get()).isGreaterThanOrEqualTo(underAttack + 3);
        }
        for (int worker = 0; worker < 2; worker++) {
            String log = Files.readString(dir.resolve("logs/attempt-1/worker-" + worker + ".log"));
            assertThat(log).as("worker %d's log: the attacks arrived and were turned away", worker)
                    .containsPattern("failed handshake with /127\\.0\\.0\\.6[67]")
                    .contains("ConnectionGuard - worker: closed a connection from /127.0.0.66");
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    /** A frame announcing 200 MB from someone who has not shown a token, and the start of its payload. */
    private static byte[] oversizedLengthHeader() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(200 << 20);
        out.write(new byte[1024]);
        return bytes.toByteArray();
    }

    private static void awaitCompleted(JobCounters counters, long checkpoints, CompletableFuture<?> result)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (counters.completed.get() < checkpoints && !result.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
