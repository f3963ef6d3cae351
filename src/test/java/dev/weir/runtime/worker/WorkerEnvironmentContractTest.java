package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.SecretKeySelectorSpec;
import dev.weir.api.StreamJob;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.local.InProcessDeployer;
import dev.weir.local.WorkerProcessDeployer;
import dev.weir.local.WorkerStorage;
import dev.weir.operator.resources.WorkerPodDesired;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.S3Settings;
import dev.weir.runtime.usercode.JobJarResolver;
import dev.weir.runtime.usercode.LocalJobJar;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The three places of the worker's environment agree: what the operator writes into a pod and
 * what {@code weir local} gives a worker process is read back by {@link WorkerConfig} as the
 * configuration the deployer meant, and the reader asks for nothing outside the contract.
 */
class WorkerEnvironmentContractTest {

    private static final String POD_IP = "10.1.2.3";
    private static final Map<String, String> SECRETS = Map.of("weir-s3/access", "AKIA-POD", "weir-s3/secret", "pod-secret");

    @TempDir
    Path dir;

    @Test
    void aPodsWorkerReadsTheConfigurationTheOperatorWrote() throws Exception {
        StreamJob job = new StreamJob();
        job.getMetadata().setName("counts");
        job.getMetadata().setNamespace("team-a");
        job.getMetadata().setUid("uid-1");
        job.getSpec().getJob().setClassName("dev.weir.examples.KeyedCountJob");
        job.getSpec().getJob().setParallelism(3);
        job.getSpec().getJob().setMaxParallelism(256);
        job.getSpec().getJob().setArgs(new LinkedHashMap<>(Map.of("records", "1000", "keys", "7")));
        job.getSpec().getJob().setJarURI("s3://jobs/counts-1.0.jar");
        job.getSpec().getJob().setJarSha256("ab".repeat(32));
        job.getSpec().getCheckpointing().setMode("at-least-once");
        job.getSpec().getRestartPolicy().setHeartbeatTimeoutMs(20_000);
        job.getSpec().getStateBackend().setType("rocksdb");
        job.getSpec().getStorage().setEndpoint("http://minio.minio:9000");
        job.getSpec().getStorage().setRegion("eu-west-1");
        job.getSpec().getStorage().setPathStyle(false);
        SecretKeySelectorSpec credentials = new SecretKeySelectorSpec();
        credentials.setName("weir-s3");
        credentials.setAccessKeyKey("access");
        credentials.setSecretKeyKey("secret");
        job.getSpec().getStorage().setCredentialsSecret(credentials);
        // with the operator's TLS settings: the worker finds the mounted Secret and an https coordinator
        Pod pod = WorkerPodDesired.desired(job, new WorkerPodDesired.Attempt(4, 2, "weir:1", "https://weir-operator:6123",
                "hash", "s3://weir/weir/team-a/counts/checkpoints/chk-9", "weir-worker-tls"));

        Map<String, String> env = kubelet(pod);
        assertThat(env.get("WEIR_JOB_TOKEN_FILE")).isEqualTo("/var/run/weir/token/token");
        env.put("WEIR_JOB_TOKEN_FILE", Files.writeString(dir.resolve("token"), "pod-token\n").toString());

        // s3:// jars are downloaded into the pod's /tmp emptyDir: the root filesystem is read-only.
        assertThat(readBack(env)).isEqualTo(new WorkerConfig("team-a.counts", "dev.weir.examples.KeyedCountJob",
                "s3://jobs/counts-1.0.jar", "ab".repeat(32), Path.of("/tmp/weir/jars"),
                Map.of("records", "1000", "keys", "7"), 3, 256, 2, 4, CheckpointingMode.AT_LEAST_ONCE,
                "https://weir-operator:6123", "pod-token", "0.0.0.0", POD_IP, 6124, 6125, "s3://weir",
                "weir/team-a/counts", new S3Settings("http://minio.minio:9000", "unused", "eu-west-1", false,
                "AKIA-POD", "pod-secret", ""),
                "s3://weir/weir/team-a/counts/checkpoints/chk-9", 1000, 20_000, 0,
                // RocksDB's databases go to the pod's /tmp volume; incremental by default
                new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, true, Path.of("/tmp/weir-rocksdb")),
                Path.of("/etc/weir/tls")));
    }

    @Test
    void aWeirLocalWorkerReadsTheConfigurationWeirLocalWrote() throws Exception {
        S3Settings s3 = new S3Settings("http://127.0.0.1:9000", "weir", null, true, "local-access", "local-secret", "");
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessDeployer deployer = deployer(server, new WorkerStorage("s3://weir", "weir/default/counts", s3),
                    Map.of("WEIR_JDBC_PASSWORD", "pw"));
            RestoreTarget restore = new RestoreTarget("s3://weir/weir/default/counts/savepoints/sp-5", null);

            Map<String, String> env = deployer.environment(2, 1, restore).asText();

            WorkerConfig config = readBack(env);
            assertThat(config.token()).matches("[0-9a-f]{48}");
            // The jar as weir local started the job with it; downloads share weir local's cache.
            assertThat(config).isEqualTo(new WorkerConfig("counts", "dev.weir.examples.KeyedCountJob",
                    "file:///jobs/counts.jar", "cd".repeat(32), JobJarResolver.defaultCacheDirectory(),
                    Map.of("records", "100", "output", "discard"), 2, 128, 1, 2, CheckpointingMode.EXACTLY_ONCE,
                    server.baseUri().toString(), config.token(), "127.0.0.1", "127.0.0.1", 0, 0, "s3://weir",
                    "weir/default/counts", new S3Settings("http://127.0.0.1:9000", "unused", null, true,
                    "local-access", "local-secret", ""),
                    "s3://weir/weir/default/counts/savepoints/sp-5", 1000, 50_000, ProcessHandle.current().pid(),
                    StateBackendSettings.HEAP, null));
            assertThat(env).doesNotContainKey("WEIR_JDBC_PASSWORD");
        }
    }

    @Test
    void aWorkerToldNoCoordinatorTimeoutBearsTheSilenceAStreamJobBearsByDefault() throws Exception {
        Map<String, String> env = new WorkerEnvironment().job("counts", "dev.weir.examples.KeyedCountJob", Map.of(), 2, 128,
                CheckpointingMode.EXACTLY_ONCE).worker(0, 1).coordinator("http://127.0.0.1:1").token("t")
                .storage(dir.toString(), "base").asText();
        assertThat(env).doesNotContainKey("WEIR_COORDINATOR_TIMEOUT_MS");
        WorkerConfig config = readBack(new HashMap<>(env));
        assertThat(config.coordinatorTimeoutMs()).isEqualTo(new dev.weir.api.RestartPolicySpec().getHeartbeatTimeoutMs());
        assertThat(config.coordinatorPid()).isZero();
    }

    @Test
    void theWorkerReadsOnlyContractVariables() throws Exception {
        Map<String, String> env = new HashMap<>();
        for (WorkerVariable variable : WorkerVariable.values()) {
            env.put(variable.envName(), "1");
        }
        env.put("WEIR_JOB_ARGS", "{}");
        env.put("WEIR_STATE_BACKEND", "rocksdb");
        env.put("WEIR_JOB_TOKEN_FILE", Files.writeString(dir.resolve("token"), "t").toString());
        Set<String> asked = new HashSet<>();
        WorkerConfig.fromEnvironment(name -> {
            asked.add(name);
            return env.get(name);
        });
        assertThat(asked).isNotEmpty().allMatch(name -> WorkerVariable.named(name).isPresent(), "a WorkerVariable");
    }

    @Test
    void weirLocalRefusesExtraVariablesThatWouldReplaceTheWorkersOwn() throws Exception {
        S3Settings s3 = new S3Settings("http://127.0.0.1:9000", "weir", null, true, "a", "s", "");
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThatThrownBy(() -> deployer(server, new WorkerStorage("s3://weir", "base", s3),
                    Map.of("WEIR_ATTEMPT", "7", "WEIR_S3_ENDPOINT", "http://elsewhere:9000", "WEIR_JDBC_USER", "u")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--env WEIR_ATTEMPT, WEIR_S3_ENDPOINT: weir local sets these variables")
                    .hasMessageContaining("checkpoint storage")
                    .hasMessageNotContaining("elsewhere");
            // Checkpoints in a local directory: the S3 variables are the S3 connectors' alone.
            WorkerProcessDeployer local = deployer(server, new WorkerStorage(dir.toString(), "base", null),
                    Map.of("WEIR_S3_ENDPOINT", "http://sink:9000"));
            assertThat(local.environment(1, 0, null).asText()).doesNotContainKey("WEIR_S3_ENDPOINT")
                    .doesNotContainKey("WEIR_RESTORE_FROM");
        }
    }

    @Test
    void aReferenceCannotBecomeAProcessVariable() {
        WorkerEnvironment env = new WorkerEnvironment().advertisedHost(new WorkerEnvironment.PodField("status.podIP"));
        assertThatThrownBy(env::asText).hasMessageContaining("WEIR_ADVERTISED_HOST is a reference");
    }

    private WorkerProcessDeployer deployer(CoordinatorServer server, WorkerStorage storage, Map<String, String> extra)
            throws Exception {
        InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("counts",
                "dev.weir.examples.KeyedCountJob", new JobArgs(Map.of("records", "100", "output", "discard")), 2, 128,
                CheckpointingMode.EXACTLY_ONCE,
                new LocalJobJar("file:///jobs/counts.jar", Path.of("/jobs/counts.jar"), "cd".repeat(32)));
        return new WorkerProcessDeployer(job, storage, server,
                WorkerProcessDeployer.Settings.defaults(dir.resolve("logs")).withExtraEnvironment(extra), new JobMetrics());
    }

    /** Resolves the worker container's variables as the kubelet would. */
    private static Map<String, String> kubelet(Pod pod) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : pod.getSpec().getContainers().get(0).getEnv()) {
            if (var.getValueFrom() == null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom().getFieldRef() != null) {
                assertThat(var.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
                env.put(var.getName(), POD_IP);
            } else {
                var ref = var.getValueFrom().getSecretKeyRef();
                env.put(var.getName(), SECRETS.get(ref.getName() + "/" + ref.getKey()));
            }
        }
        return env;
    }

    private static WorkerConfig readBack(Map<String, String> env) {
        return WorkerConfig.fromEnvironment(env::get);
    }
}
