package dev.weir.api;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StreamJobSpecValidatorTest {

    private static StreamJobSpec validSpec() {
        StreamJobSpec spec = new StreamJobSpec();
        spec.getJob().setClassName("com.example.MyJob");
        return spec;
    }

    @Test
    void acceptsDefaultsWithClassName() {
        assertThat(StreamJobSpecValidator.validate(validSpec())).isEmpty();
    }

    @Test
    void reportsMissingSpecAndJob() {
        assertThat(StreamJobSpecValidator.validate(null)).containsExactly("spec: required");
        StreamJobSpec spec = validSpec();
        spec.setJob(null);
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly("spec.job.className: required");
    }

    @Test
    void requiresAQualifiedClassName() {
        StreamJobSpec spec = validSpec();
        spec.getJob().setClassName(" ");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly("spec.job.className: required");
        spec.getJob().setClassName("com.example.My Job");
        assertThat(StreamJobSpecValidator.validate(spec))
                .containsExactly("spec.job.className: must be a fully qualified Java class name (got \"com.example.My Job\")");
        spec.getJob().setClassName("com.example.Outer$Inner");
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();
    }

    @Test
    void stateBackendIsHeapOrRocksDbAndOnlyRocksDbIsIncremental() {
        StreamJobSpec spec = validSpec();
        assertThat(spec.getStateBackend().getType()).isEqualTo("heap");
        assertThat(spec.getStateBackend().isIncremental()).isFalse();
        spec.getStateBackend().setType("rocksdb");
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();
        assertThat(spec.getStateBackend().isIncremental()).as("rocksdb is incremental by default").isTrue();
        spec.getStateBackend().setIncremental(false);
        assertThat(spec.getStateBackend().isIncremental()).isFalse();

        spec.getStateBackend().setType("rocks");
        assertThat(StreamJobSpecValidator.validate(spec))
                .containsExactly("spec.stateBackend.type: must be one of heap, rocksdb (got \"rocks\")");
        spec.getStateBackend().setType("heap");
        spec.getStateBackend().setIncremental(null);
        assertThat(spec.getStateBackend().isIncremental()).as("heap is full by default").isFalse();
        spec.getStateBackend().setIncremental(true);
        assertThat(StreamJobSpecValidator.validate(spec)).as("incremental heap checkpoints").isEmpty();
        assertThat(spec.getStateBackend().isIncremental()).isTrue();
    }

    @Test
    void checksParallelismAgainstMaxParallelism() {
        StreamJobSpec spec = validSpec();
        spec.getJob().setParallelism(0);
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly("spec.job.parallelism: must be >= 1 (got 0)");

        spec.getJob().setParallelism(8);
        spec.getJob().setMaxParallelism(4);
        assertThat(StreamJobSpecValidator.validate(spec))
                .containsExactly("spec.job.maxParallelism: must be >= spec.job.parallelism (got 4 < 8)");

        spec.getJob().setParallelism(1);
        spec.getJob().setMaxParallelism(32_769);
        assertThat(StreamJobSpecValidator.validate(spec))
                .containsExactly("spec.job.maxParallelism: must be between 1 and 32768 (got 32769)");

        spec.getJob().setMaxParallelism(0);
        assertThat(StreamJobSpecValidator.validate(spec))
                .containsExactly("spec.job.maxParallelism: must be between 1 and 32768 (got 0)");

        spec.getJob().setParallelism(32_768);
        spec.getJob().setMaxParallelism(32_768);
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();
    }

    @Test
    void rejectsNullArgValues() {
        StreamJobSpec spec = validSpec();
        Map<String, String> args = new LinkedHashMap<>();
        args.put("records", null);
        args.put("keys", "10");
        spec.getJob().setArgs(args);
        assertThat(StreamJobSpecValidator.validate(spec)).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("spec.job.args.records: value required");
    }

    @Test
    void checksCheckpointing() {
        StreamJobSpec spec = validSpec();
        CheckpointingSpec c = spec.getCheckpointing();
        c.setIntervalMs(0);
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();
        c.setIntervalMs(100);
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();

        c.setIntervalMs(99);
        c.setTimeoutMs(0);
        c.setMinPauseMs(-1);
        c.setMode("EXACTLY_ONCE");
        c.setRetained(0);
        c.setTolerableFailures(-1);
        c.setTolerableFailureMs(-1);
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.checkpointing.intervalMs: must be 0 (off) or >= 100 (got 99)",
                "spec.checkpointing.timeoutMs: must be >= 1 (got 0)",
                "spec.checkpointing.minPauseMs: must be >= 0 (got -1)",
                "spec.checkpointing.mode: must be one of exactly-once, at-least-once (got \"EXACTLY_ONCE\")",
                "spec.checkpointing.retained: must be >= 1 (got 0)",
                "spec.checkpointing.tolerableFailures: must be >= 0 (got -1)",
                "spec.checkpointing.tolerableFailureMs: must be >= 0 (got -1)");
    }

    @Test
    void unalignedCheckpointsNeedExactlyOnceAndANonNegativeAlignedTimeout() {
        StreamJobSpec spec = validSpec();
        CheckpointingSpec c = spec.getCheckpointing();
        c.setUnaligned(true);
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();
        c.setAlignedTimeoutMs(30_000);
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();

        c.setMode(CheckpointingSpec.AT_LEAST_ONCE);
        c.setAlignedTimeoutMs(-1);
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.checkpointing.alignedTimeoutMs: must be >= 0 (got -1)",
                "spec.checkpointing.unaligned: unaligned checkpoints need mode exactly-once (got mode at-least-once)");
        c.setUnaligned(false);
        c.setAlignedTimeoutMs(0);
        assertThat(StreamJobSpecValidator.validate(spec)).as("aligned at-least-once stays valid").isEmpty();
    }

    @Test
    void checksRestartPolicy() {
        StreamJobSpec spec = validSpec();
        RestartPolicySpec r = spec.getRestartPolicy();
        assertThat(r.getHeartbeatTimeoutMs()).as("Flink's default: pauses are not deaths").isEqualTo(50_000);
        r.setHeartbeatTimeoutMs(2_999);
        r.setInitialBackoffMs(0);
        r.setMaxBackoffMs(-1);
        r.setBackoffMultiplier(0.5);
        r.setMaxRestarts(-1);
        r.setWindowMs(0);
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.restartPolicy.heartbeatTimeoutMs: must be >= 3000 (got 2999)",
                "spec.restartPolicy.initialBackoffMs: must be >= 1 (got 0)",
                "spec.restartPolicy.maxBackoffMs: must be >= spec.restartPolicy.initialBackoffMs (got -1 < 0)",
                "spec.restartPolicy.backoffMultiplier: must be >= 1.0 (got 0.5)",
                "spec.restartPolicy.maxRestarts: must be >= 0 (got -1)",
                "spec.restartPolicy.windowMs: must be >= 1 (got 0)");

        r.setBackoffMultiplier(Double.NaN);
        assertThat(StreamJobSpecValidator.validate(spec)).contains("spec.restartPolicy.backoffMultiplier: must be >= 1.0 (got NaN)");
    }

    /** With a local path ".." crashed with a stack trace; S3 answered an opaque "Bad Request" after 11 s. */
    @Test
    void storagePrefixIsCheckedSegmentBySegment() {
        for (String bad : List.of("", "/weir", "weir/", "a//b", "..", "a/../b", "a/./b", ".hidden", "a/.b", "a b",
                "a\\b", "caf\u00e9")) {
            StreamJobSpec spec = validSpec();
            spec.getStorage().setPrefix(bad);
            assertThat(StreamJobSpecValidator.validate(spec)).as(bad).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("spec.storage.prefix: must be segments of letters, digits");
        }
        for (String good : List.of("weir", "teams/payments", "a.b/c-d/e_f", "2026")) {
            StreamJobSpec spec = validSpec();
            spec.getStorage().setPrefix(good);
            assertThat(StreamJobSpecValidator.validate(spec)).as(good).isEmpty();
        }
    }

    @Test
    void checksStorage() {
        StreamJobSpec spec = validSpec();
        StorageSpec s = spec.getStorage();
        s.setEndpoint("minio:9000");
        s.setPath("/tmp/weir");
        s.setBucket("My_Bucket");
        s.setPrefix("/weir/");
        s.setCredentialsSecret(new SecretKeySelectorSpec());
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.storage.endpoint: must be an http:// or https:// URL (got \"minio:9000\")",
                "spec.storage.path: cannot be combined with spec.storage.endpoint; choose one",
                "spec.storage.bucket: must be an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-',"
                        + " starting and ending with a letter or digit (got \"My_Bucket\")",
                "spec.storage.prefix: must be segments of letters, digits, '.', '_' and '-', each starting with a"
                        + " letter or digit, joined by single '/' (e.g. weir or teams/payments) (got \"/weir/\")",
                "spec.storage.credentialsSecret.name: required",
                "spec.storage.credentialsSecret.accessKeyKey: required",
                "spec.storage.credentialsSecret.secretKeyKey: required");
    }

    @Test
    void acceptsS3StorageOrLocalPath() {
        StreamJobSpec spec = validSpec();
        spec.getStorage().setEndpoint("https://s3.eu-west-1.amazonaws.com");
        SecretKeySelectorSpec secret = new SecretKeySelectorSpec();
        secret.setName("weir-s3");
        secret.setAccessKeyKey("accessKey");
        secret.setSecretKeyKey("secretKey");
        spec.getStorage().setCredentialsSecret(secret);
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();

        StreamJobSpec local = validSpec();
        local.getStorage().setPath("target/weir-state");
        assertThat(StreamJobSpecValidator.validate(local)).isEmpty();
    }

    @Test
    void checksStateUpgradeModeAndPullPolicy() {
        StreamJobSpec spec = validSpec();
        spec.setState("paused");
        spec.setUpgradeMode(null);
        spec.setImagePullPolicy("always");
        spec.setServiceAccount("Weir");
        spec.setImage("");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.image: must not be empty (omit it to use the operator's image)",
                "spec.imagePullPolicy: must be one of Always, IfNotPresent, Never (got \"always\")",
                "spec.serviceAccount: " + KubernetesNames.SUBDOMAIN_RULE + " (got \"Weir\")",
                "spec.state: must be one of running, suspended (got \"paused\")",
                "spec.upgradeMode: required, one of savepoint, last-state, stateless");
    }

    @Test
    void checksResourceQuantities() {
        StreamJobSpec spec = validSpec();
        ResourcesSpec resources = new ResourcesSpec();
        resources.setRequests(Map.of("cpu", "500m"));
        resources.setLimits(Map.of("memory", "1 GB"));
        spec.setResources(resources);
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.resources.limits.memory: must be a Kubernetes quantity such as 500m or 1Gi (got \"1 GB\")");

        resources.setLimits(Map.of("memory", "1.5Gi", "cpu", "2", "ephemeral-storage", "1e9"));
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();
    }

    @Test
    void jobNamesMustStartWithALetterAndFitALabel() {
        assertThat(KubernetesNames.isValidJobName("keyed-count")).isTrue();
        assertThat(KubernetesNames.isValidJobName("a".repeat(63))).isTrue();
        assertThat(KubernetesNames.isValidJobName("a".repeat(64))).isFalse();
        assertThat(KubernetesNames.isValidJobName("1job")).isFalse();
        assertThat(KubernetesNames.isValidJobName("job-")).isFalse();
        assertThat(KubernetesNames.isDns1123Label("1job")).isTrue();
        assertThat(KubernetesNames.isDns1123Subdomain("weir.s3-creds")).isTrue();
    }

    @Test
    void acceptsImageAndS3JarsOnKubernetesAndFileJarsOnlyInWeirLocal() {
        StreamJobSpec spec = validSpec();
        for (String uri : new String[] {"local:///opt/jobs/job.jar", "s3://my-bucket/jobs/job-1.0.jar"}) {
            spec.getJob().setJarURI(uri);
            assertThat(StreamJobSpecValidator.validate(spec)).as(uri).isEmpty();
            assertThat(StreamJobSpecValidator.validate(spec, StreamJobSpecValidator.Target.WEIR_LOCAL)).as(uri).isEmpty();
        }
        for (String uri : new String[] {"file:///home/me/job.jar", "target/job.jar", "/home/me/job.jar"}) {
            spec.getJob().setJarURI(uri);
            assertThat(StreamJobSpecValidator.validate(spec, StreamJobSpecValidator.Target.WEIR_LOCAL)).as(uri).isEmpty();
        }
        spec.getJob().setJarURI("file:///home/me/job.jar");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly("spec.job.jarURI: file:// jars work only with"
                + " weir local; on Kubernetes use local:///path/in/the/image.jar (a jar inside spec.image) or"
                + " s3://bucket/key.jar (got \"file:///home/me/job.jar\")");
        spec.getJob().setJarURI("target/job.jar");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly("spec.job.jarURI: a path works only with"
                + " weir local; on Kubernetes use local:///path/in/the/image.jar (a jar inside spec.image) or"
                + " s3://bucket/key.jar (got \"target/job.jar\")");
    }

    @Test
    void rejectsMalformedJarUris() {
        StreamJobSpec spec = validSpec();
        spec.getJob().setJarURI("https://example.com/job.jar");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly("spec.job.jarURI: must be"
                + " local:///path/in/the/image.jar (a jar inside spec.image) or s3://bucket/key.jar"
                + " (got \"https://example.com/job.jar\")");
        assertThat(StreamJobSpecValidator.validate(spec, StreamJobSpecValidator.Target.WEIR_LOCAL))
                .containsExactly("spec.job.jarURI: must be local:///path/in/the/image.jar (a jar inside spec.image)"
                        + " or s3://bucket/key.jar, or file:///abs/path.jar or a path relative to the manifest"
                        + " (got \"https://example.com/job.jar\")");
        spec.getJob().setJarURI("local://opt/job.jar");
        assertThat(StreamJobSpecValidator.validate(spec))
                .containsExactly("spec.job.jarURI: must be local:///absolute/path.jar (three slashes) (got \"local://opt/job.jar\")");
        spec.getJob().setJarURI("s3://Bad_Bucket/job.jar");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.job.jarURI: must be s3://bucket/key.jar with a valid bucket name (got \"s3://Bad_Bucket/job.jar\")");
        spec.getJob().setJarURI("s3://bucket/");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.job.jarURI: must be s3://bucket/key.jar with a valid bucket name (got \"s3://bucket/\")");
        spec.getJob().setJarURI(" ");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.job.jarURI: must not be empty (omit it to load the job class from the worker's class path)");
    }

    @Test
    void anS3JarNeedsS3Storage() {
        StreamJobSpec spec = validSpec();
        spec.getJob().setJarURI("s3://jobs/job.jar");
        spec.getStorage().setPath("/tmp/checkpoints");
        assertThat(StreamJobSpecValidator.validate(spec, StreamJobSpecValidator.Target.WEIR_LOCAL)).containsExactly(
                "spec.job.jarURI: an s3:// jar is downloaded with spec.storage's S3 endpoint and credentials;"
                        + " spec.storage.path has none");
    }

    @Test
    void checksTheJarChecksum() {
        StreamJobSpec spec = validSpec();
        spec.getJob().setJarURI("s3://jobs/job.jar");
        spec.getJob().setJarSha256("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
        assertThat(StreamJobSpecValidator.validate(spec)).isEmpty();
        spec.getJob().setJarSha256("e3b0c442");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.job.jarSha256: must be 64 hex digits, as sha256sum prints them (got \"e3b0c442\")");
        spec.getJob().setJarURI(null);
        spec.getJob().setJarSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(StreamJobSpecValidator.validate(spec)).containsExactly(
                "spec.job.jarSha256: is the checksum of spec.job.jarURI, which is not set");
    }
}
