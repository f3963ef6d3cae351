package dev.weir.operator;

import static dev.weir.operator.OperatorTestEnv.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.local.EmbeddedS3Server;
import dev.weir.operator.runtime.CoordinatorJobRuntime;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.KeyedCountVerifier;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.Operator;

/**
 * The whole operator in one JVM: the mock API server, java-operator-sdk running the reconciler
 * with the real coordinator runtime, a harness playing the kubelet with real worker processes,
 * and S3Proxy as the job's storage. A worker is SIGKILLed mid-run: the job goes Restarting, then
 * Running again restored from the latest checkpoint, and finishes with exactly-once output.
 */
class OperatorEndToEndIT {

    private static final long RECORDS = 120_000;
    private static final long KEYS = 300;

    @TempDir
    Path dir;

    @Test
    void killedWorkerRestartsFromTheLatestCheckpointAndOutputIsExactlyOnce() throws Exception {
        Path output = dir.resolve("out");
        CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (EmbeddedS3Server s3 = EmbeddedS3Server.startInMemory();
             OperatorTestEnv env = new OperatorTestEnv();
             CoordinatorJobRuntime runtime = new CoordinatorJobRuntime(server, server.baseUri().toString(),
                     Duration.ofSeconds(5));
             KubeletHarness kubelet = new KubeletHarness(env.client, NAMESPACE, dir)) {
            new S3ObjectStore(s3.settings("weir")).ensureBucket();
            Operator operator = new Operator(o -> o.withKubernetesClient(env.client).withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(false));
            operator.register(new StreamJobReconciler(env.client, runtime,
                    new OperatorSettings("weir:test", Duration.ofMillis(300))));
            operator.start();
            try {
                env.client.resource(new SecretBuilder().withNewMetadata().withName("weir-s3").withNamespace(NAMESPACE)
                        .endMetadata().withStringData(Map.of("accessKey", s3.accessKey(), "secretKey", s3.secretKey()))
                        .build()).create();
                StreamJob job = OperatorTestEnv.job("counts", 2);
                job.getSpec().getStorage().setEndpoint(s3.endpoint());
                job.getSpec().getJob().setArgs(new java.util.LinkedHashMap<>(Map.of("records", Long.toString(RECORDS),
                        "keys", Long.toString(KEYS), "rate", "15000", "output", output.toString())));
                job.getSpec().getCheckpointing().setIntervalMs(200);
                job.getSpec().getRestartPolicy().setInitialBackoffMs(1_000);
                env.create(job);

                List<JobPhase> phases = new CopyOnWriteArrayList<>();
                Thread watcher = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        StreamJob current = env.get("counts");
                        JobPhase phase = current == null || current.getStatus() == null ? null : current.getStatus().getPhase();
                        if (phase != null && (phases.isEmpty() || phases.get(phases.size() - 1) != phase)) {
                            phases.add(phase);
                        }
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                watcher.setDaemon(true);
                watcher.start();

                await(() -> status(env).getPhase() == JobPhase.Running && status(env).getLastCheckpoint() != null,
                        Duration.ofSeconds(60), env);
                kubelet.killProcess("counts-a1-w1");
                await(() -> status(env).getAttempt() == 2 && status(env).getPhase() == JobPhase.Running,
                        Duration.ofSeconds(60), env);
                assertThat(status(env).getRestoredFrom()).contains("/checkpoints/chk-");
                assertThat(status(env).getRestarts()).isEqualTo(1);
                await(() -> status(env).getPhase() == JobPhase.Finished, Duration.ofSeconds(120), env);
                watcher.interrupt();
                // Finished was awaited above; the watcher may not have sampled it yet.
                assertThat(phases).containsSubsequence(JobPhase.Running, JobPhase.Restarting, JobPhase.Running);
            } finally {
                operator.stop();
            }
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(output), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
    }

    private static dev.weir.api.StreamJobStatus status(OperatorTestEnv env) {
        StreamJob job = env.get("counts");
        return job.getStatus() == null ? new dev.weir.api.StreamJobStatus() : job.getStatus();
    }

    private static void await(BooleanSupplier condition, Duration timeout, OperatorTestEnv env) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout + "; status: "
                        + io.fabric8.kubernetes.client.utils.Serialization.asJson(status(env)));
            }
            Thread.sleep(50);
        }
    }
}
