package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.Condition;
import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.GatedSource;
import dev.weir.testing.KeyedCountVerifier;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The whole operator in one JVM: the mock API server, java-operator-sdk running the reconciler
 * with the real coordinator runtime, a harness playing the kubelet with real worker processes,
 * and S3Proxy as the job's storage.
 */
class OperatorEndToEndIT {

    private static final long RECORDS = 120_000;
    private static final long KEYS = 300;
    /** Per source subtask, of RECORDS / parallelism: twice that (two attempts) still leaves the end unreached. */
    private static final long HOLD_AFTER = 20_000;

    @TempDir
    Path dir;

    /** Long enough that no failure in these tests can be a heartbeat timeout. */
    private static final long SILENCE_MS = 60_000;

    /**
     * A worker is SIGKILLed mid-run, with a heartbeat timeout of a minute: its pod's phase and its
     * peer's lost connection give it away within seconds, and the job restarts at once (it had
     * completed a checkpoint): Restarting, then Running again from the latest checkpoint; output
     * exactly-once.
     */
    @Test
    void killedWorkerRestartsFromTheLatestCheckpointAndOutputIsExactlyOnce() throws Exception {
        Path output = dir.resolve("out");
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, loopback(0))) {
            // Its sources hold after HOLD_AFTER records each (counted anew after the restore) until the gate
            // opens: at a load average of 20 the job had ended before the test saw it running.
            Path gate = dir.resolve("gate");
            StreamJob job = fixture.gatedKeyedCountJob("counts", RECORDS, KEYS, 15_000, HOLD_AFTER, gate, output);
            job.getSpec().getRestartPolicy().setHeartbeatTimeoutMs(SILENCE_MS);
            fixture.env.create(job);
            List<JobPhase> phases = new CopyOnWriteArrayList<>();
            Thread watcher = fixture.watchPhases("counts", phases);

            awaitRunningWithACheckpoint(fixture);
            Instant killed = Instant.now();
            fixture.kubelet.killProcess("counts-a1-w1");
            fixture.await("counts", () -> fixture.status("counts").getAttempt() == 2
                    && fixture.status("counts").getPhase() == JobPhase.Running, Duration.ofSeconds(60));
            assertThat(fixture.status("counts").getRestoredFrom()).contains("/checkpoints/chk-");
            assertThat(fixture.status("counts").getRestarts()).isEqualTo(1);
            assertDetectedWithoutTheHeartbeatTimeout(fixture, killed, "worker pod counts-a1-w1 failed", "worker 1 lost");
            GatedSource.open(gate);
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Finished,
                    Duration.ofSeconds(120));
            watcher.interrupt();
            // Finished was awaited above; the watcher may not have sampled it yet.
            assertThat(phases).containsSubsequence(JobPhase.Running, JobPhase.Restarting, JobPhase.Running);
        }
        assertExactlyOnce(output, RECORDS);
    }

    /**
     * The kubelet reports the killed worker's pod only two minutes later (slow, or cut off from the
     * API server): the pod still shows Running, the dead worker's silence would take a minute, and
     * yet the job restarts within seconds, because the surviving worker reports its lost connection.
     */
    @Test
    void killedWorkerWhosePodStillShowsRunningIsReportedByItsPeer() throws Exception {
        Path output = dir.resolve("out");
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, loopback(0))) {
            // 30 s of data: the peer notices only while their connection carries it, and on a busy
            // machine the first checkpoint can come after 15,000 records/s would have ended.
            fixture.keyedCount("counts", RECORDS, KEYS, 2_000, output,
                    job -> job.getSpec().getRestartPolicy().setHeartbeatTimeoutMs(SILENCE_MS));
            awaitRunningWithACheckpoint(fixture);
            fixture.kubelet.reportExitsAfter(Duration.ofMinutes(2));
            Instant killed = Instant.now();
            fixture.kubelet.killProcess("counts-a1-w1");
            fixture.await("counts", () -> fixture.status("counts").getAttempt() == 2, Duration.ofSeconds(60));
            assertDetectedWithoutTheHeartbeatTimeout(fixture, killed,
                    "WorkerLost: worker 1 lost: the data connection from worker 0 to it ended");
            fixture.kubelet.reportExitsAfter(Duration.ZERO);
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Finished,
                    Duration.ofSeconds(180));
            assertThat(fixture.status("counts").getRestarts()).isEqualTo(1);
        }
        assertExactlyOnce(output, RECORDS);
    }

    /** A one-worker job has no peers: the killed worker's pod phase alone restarts it, long before its silence would. */
    @Test
    void killedWorkerWithoutPeersIsSeenFromItsPodPhase() throws Exception {
        Path output = dir.resolve("out");
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, loopback(0))) {
            Path gate = dir.resolve("gate");
            StreamJob job = fixture.gatedKeyedCountJob("counts", RECORDS, KEYS, 15_000, HOLD_AFTER, gate, output);
            job.getSpec().getJob().setParallelism(1);
            job.getSpec().getRestartPolicy().setHeartbeatTimeoutMs(SILENCE_MS);
            fixture.env.create(job);
            awaitRunningWithACheckpoint(fixture);
            Instant killed = Instant.now();
            fixture.kubelet.killProcess("counts-a1-w0");
            fixture.await("counts", () -> fixture.status("counts").getAttempt() == 2, Duration.ofSeconds(60));
            assertDetectedWithoutTheHeartbeatTimeout(fixture, killed, "worker pod counts-a1-w0 failed (exit code 137)");
            GatedSource.open(gate);
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Finished,
                    Duration.ofSeconds(120));
        }
        assertExactlyOnce(output, RECORDS);
    }

    /** A deadline, not a speed claim: at a load average of 45, workers took 26-47 s to register here. */
    private static void awaitRunningWithACheckpoint(EndToEndFixture fixture) throws InterruptedException {
        fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Running
                && fixture.status("counts").getLastCheckpoint() != null, Duration.ofMinutes(3));
    }

    /**
     * The restart was decided well within the heartbeat timeout, for one of the {@code causes}
     * (the Restarting event says which), and at once, since the job had completed a checkpoint.
     */
    private static void assertDetectedWithoutTheHeartbeatTimeout(EndToEndFixture fixture, Instant killed,
                                                                 String... causes) {
        List<String> restarts = fixture.events("counts", "Restarting");
        assertThat(restarts).hasSize(1);
        assertThat(causes).as("the cause in %s", restarts.get(0)).anyMatch(restarts.get(0)::contains);
        Instant restart = Instant.parse(fixture.status("counts").getRestartTimes().get(0));
        assertThat(Duration.between(killed, restart)).as("kill to restart decision")
                .isLessThan(Duration.ofMillis(SILENCE_MS / 2));
        assertThat(restarts.get(0)).as("no backoff after a completed checkpoint").contains("restarting at " + restart);
    }

    /**
     * The operator process stops and a new one starts on the same address (a pod restart keeps
     * the Service): the workers keep running untouched, the new operator re-attaches to them,
     * checkpoint ids continue above everything in storage, and the output is exactly-once.
     */
    @Test
    void restartedOperatorReattachesToRunningWorkers() throws Exception {
        long records = 150_000;
        Path output = dir.resolve("out");
        Path gate = dir.resolve("gate");
        try (EndToEndFixture fixture = new EndToEndFixture(dir)) {
            InetSocketAddress coordinator = loopback(freePort());
            OperatorInstance first = OperatorInstance.start(fixture.env.client, coordinator);
            // Records flow for about 5 s, then the sources hold until the test has seen the new
            // operator take over: the job cannot finish before, however busy the machine.
            fixture.gatedKeyedCount("counts", records, KEYS, 12_000, 60_000, gate, output);
            awaitRunningWithACheckpoint(fixture);
            Map<String, String> podUids = podUids(fixture);
            Map<String, Long> pids = podUids.keySet().stream().collect(Collectors.toMap(p -> p, fixture.kubelet::pid));

            first.close();
            long highestBefore = fixture.highestCheckpointIdInStorage("counts");
            Thread.sleep(1_500);
            try (OperatorInstance second = OperatorInstance.start(fixture.env.client, coordinator)) {
                fixture.await("counts", () -> fixture.status("counts").getLastCheckpoint().getId() > highestBefore,
                        Duration.ofSeconds(60));
                assertThat(fixture.status("counts").getAttempt()).isEqualTo(1);
                assertThat(fixture.status("counts").getRestarts()).isZero();
                assertThat(fixture.status("counts").getPhase()).isEqualTo(JobPhase.Running);
                assertThat(podUids(fixture)).isEqualTo(podUids);
                assertThat(fixture.kubelet.runningPods()).isEqualTo(podUids.keySet());
                podUids.keySet().forEach(pod -> assertThat(fixture.kubelet.pid(pod)).isEqualTo(pids.get(pod)));

                GatedSource.open(gate);
                fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Finished,
                        Duration.ofSeconds(120));
                assertThat(fixture.status("counts").getAttempt()).isEqualTo(1);
                assertThat(fixture.status("counts").getRestarts()).isZero();
            }
        }
        assertExactlyOnce(output, records);
    }

    /**
     * The job's S3 server goes away mid-run for longer than the checkpoint-failure tolerance: the job
     * fails over once, and while storage is down the StreamJob says so (Ready=False StorageUnavailable,
     * naming the store) instead of restarting over and over; once the server is back on its port with
     * its data, the job restores its latest checkpoint, runs and finishes exactly-once.
     */
    @Test
    void storageOutageShowsStorageUnavailableAndTheJobRecovers() throws Exception {
        long records = 150_000;
        Path output = dir.resolve("out");
        Path gate = dir.resolve("gate");
        try (EndToEndFixture fixture = EndToEndFixture.withRestartableStorage(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, loopback(0))) {
            StreamJob job = fixture.gatedKeyedCountJob("counts", records, KEYS, 12_000, 50_000, gate, output);
            job.getSpec().getCheckpointing().setTolerableFailureMs(2_000);
            fixture.env.create(job);
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Running
                    && fixture.status("counts").getLastCheckpoint() != null, Duration.ofSeconds(60));
            int port = fixture.s3.port();

            fixture.stopStorage();
            fixture.await("counts", () -> "StorageUnavailable".equals(ready(fixture).getReason()), Duration.ofSeconds(90));
            Condition unavailable = ready(fixture);
            assertThat(unavailable.getStatus()).isEqualTo(Condition.FALSE);
            assertThat(unavailable.getMessage()).contains("s3://weir/weir/").contains("/counts");
            assertThat(fixture.status("counts").getPhase()).isEqualTo(JobPhase.Restarting);
            assertThat(fixture.status("counts").getAttempt()).as("no attempt deployed while storage is down").isEqualTo(1);

            fixture.restartStorage(port);
            fixture.await("counts", () -> fixture.status("counts").getAttempt() == 2
                    && fixture.status("counts").getPhase() == JobPhase.Running, Duration.ofSeconds(90));
            assertThat(fixture.status("counts").getRestoredFrom()).contains("/checkpoints/chk-");
            assertThat(fixture.status("counts").getRestarts()).isEqualTo(1);
            GatedSource.open(gate);
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Finished,
                    Duration.ofSeconds(120));
        }
        assertExactlyOnce(output, records);
    }

    private static Condition ready(EndToEndFixture fixture) {
        return fixture.status("counts").getConditions().stream().filter(c -> Condition.READY.equals(c.getType()))
                .findFirst().orElse(new Condition());
    }

    private static Map<String, String> podUids(EndToEndFixture fixture) {
        return fixture.env.pods("counts").stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    }

    private static void assertExactlyOnce(Path output, long records) throws Exception {
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), records, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(records);
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
