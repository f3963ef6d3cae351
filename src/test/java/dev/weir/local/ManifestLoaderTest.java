package dev.weir.local;

import dev.weir.api.StreamJobSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ManifestLoaderTest {

    private static final String HEADER = """
            apiVersion: weir.dev/v1alpha1
            kind: StreamJob
            metadata:
              name: my-job
            """;

    private final ManifestLoader loader = new ManifestLoader();

    /** A minimal valid manifest with {@code specBody} (indented two spaces) as its spec. */
    private static String manifest(String specBody) {
        return HEADER + "spec:\n" + specBody.stripIndent().lines().map(line -> "  " + line + "\n")
                .reduce("", String::concat);
    }

    private static String jobWith(String extraJobLines) {
        return "job:\n  className: com.example.MyJob\n" + extraJobLines.lines()
                .map(line -> "  " + line + "\n").reduce("", String::concat);
    }

    private InvalidManifestException failure(String yaml) {
        return catchThrowableOfType(InvalidManifestException.class, () -> loader.parse(yaml, "job.yaml"));
    }

    @Test
    void appliesDefaultsWhenFieldsAreAbsent() throws Exception {
        StreamJobManifest m = loader.parse(manifest(jobWith("")), "job.yaml");

        assertThat(m.apiVersion()).isEqualTo("weir.dev/v1alpha1");
        assertThat(m.kind()).isEqualTo("StreamJob");
        assertThat(m.name()).isEqualTo("my-job");
        assertThat(m.namespace()).isEqualTo("default");
        StreamJobSpec spec = m.spec();
        assertThat(spec.getImage()).isNull();
        assertThat(spec.getJob().getClassName()).isEqualTo("com.example.MyJob");
        assertThat(spec.getJob().getArgs()).isEmpty();
        assertThat(spec.getJob().getParallelism()).isEqualTo(1);
        assertThat(spec.getJob().getMaxParallelism()).isEqualTo(128);
        assertThat(spec.getCheckpointing().getIntervalMs()).isEqualTo(1000);
        assertThat(spec.getCheckpointing().getTimeoutMs()).isEqualTo(60000);
        assertThat(spec.getCheckpointing().getMinPauseMs()).isZero();
        assertThat(spec.getCheckpointing().getMode()).isEqualTo("exactly-once");
        assertThat(spec.getCheckpointing().getRetained()).isEqualTo(3);
        assertThat(spec.getCheckpointing().getTolerableFailures()).isEqualTo(3);
        assertThat(spec.getStorage().getEndpoint()).isNull();
        assertThat(spec.getStorage().getBucket()).isEqualTo("weir");
        assertThat(spec.getStorage().getPrefix()).isEqualTo("weir");
        assertThat(spec.getStorage().isPathStyle()).isTrue();
        assertThat(spec.getRestartPolicy().getInitialBackoffMs()).isEqualTo(1000);
        assertThat(spec.getRestartPolicy().getMaxBackoffMs()).isEqualTo(60000);
        assertThat(spec.getRestartPolicy().getBackoffMultiplier()).isEqualTo(2.0);
        assertThat(spec.getRestartPolicy().getMaxRestarts()).isEqualTo(10);
        assertThat(spec.getRestartPolicy().getWindowMs()).isEqualTo(600000);
        assertThat(spec.getState()).isEqualTo("running");
        assertThat(spec.getUpgradeMode()).isEqualTo("savepoint");
    }

    @Test
    void nullValuedFieldsKeepTheirDefaults() throws Exception {
        StreamJobSpec spec = loader.parse(manifest(jobWith("parallelism: null") + "checkpointing:\nstorage:\n"),
                "job.yaml").spec();

        assertThat(spec.getJob().getParallelism()).isEqualTo(1);
        assertThat(spec.getCheckpointing().getIntervalMs()).isEqualTo(1000);
        assertThat(spec.getStorage().getBucket()).isEqualTo("weir");
    }

    @Test
    void readsEveryField() throws Exception {
        StreamJobManifest m = loader.parse(HEADER.replace("name: my-job", "name: my-job\n  namespace: streams") + """
                spec:
                  image: registry.example/jobs:1.2
                  imagePullPolicy: IfNotPresent
                  serviceAccount: weir-worker
                  job: {className: com.example.MyJob, parallelism: 4, maxParallelism: 256}
                  checkpointing: {intervalMs: 0, timeoutMs: 5000, minPauseMs: 200, mode: at-least-once, retained: 1, tolerableFailures: 0}
                  storage:
                    endpoint: http://minio.minio:9000
                    bucket: my-bucket
                    prefix: jobs/weir
                    region: eu-west-1
                    pathStyle: false
                    credentialsSecret: {name: s3-creds, accessKeyKey: ak, secretKeyKey: sk}
                  restartPolicy: {initialBackoffMs: 10, maxBackoffMs: 20, backoffMultiplier: 1.5, maxRestarts: 0, windowMs: 1}
                  state: suspended
                  upgradeMode: last-state
                  initialSavepointPath: s3://my-bucket/jobs/weir/streams/my-job/savepoints/sp-3
                  savepointNonce: 7
                  restartNonce: 8
                  resources: {requests: {cpu: 1, memory: 512Mi}, limits: {memory: 1Gi}}
                  podTemplate: {metadata: {labels: {team: data}}}
                """, "job.yaml");

        assertThat(m.namespace()).isEqualTo("streams");
        StreamJobSpec spec = m.spec();
        assertThat(spec.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(spec.getJob().getMaxParallelism()).isEqualTo(256);
        assertThat(spec.getCheckpointing().getMode()).isEqualTo("at-least-once");
        assertThat(spec.getStorage().getCredentialsSecret().getSecretKeyKey()).isEqualTo("sk");
        assertThat(spec.getStorage().isPathStyle()).isFalse();
        assertThat(spec.getRestartPolicy().getBackoffMultiplier()).isEqualTo(1.5);
        assertThat(spec.getState()).isEqualTo("suspended");
        assertThat(spec.getSavepointNonce()).isEqualTo(7);
        assertThat(spec.getRestartNonce()).isEqualTo(8);
        assertThat(spec.getResources().getRequests()).containsEntry("cpu", "1").containsEntry("memory", "512Mi");
        assertThat(spec.getPodTemplate()).containsKey("metadata");
    }

    @Test
    void convertsNumberAndBooleanArgsToStrings() throws Exception {
        StreamJobSpec spec = loader.parse(manifest(jobWith("""
                args:
                  records: 1000000
                  ratio: 0.5
                  verbose: true
                  output: target/out""")), "job.yaml").spec();

        assertThat(spec.getJob().getArgs())
                .containsEntry("records", "1000000")
                .containsEntry("ratio", "0.5")
                .containsEntry("verbose", "true")
                .containsEntry("output", "target/out");
    }

    @Test
    void rejectsArgWithoutValue() {
        assertThat(failure(manifest(jobWith("args:\n  records:"))))
                .hasMessageContaining("spec.job.args.records: value required");
    }

    @Test
    void rejectsArgThatIsAMapping() {
        assertThat(failure(manifest(jobWith("args:\n  records: {n: 1}"))))
                .hasMessageContaining("spec.job.args.records: expected a string (got a mapping)");
    }

    @Test
    void rejectsParallelismBelowOne() {
        assertThat(failure(manifest(jobWith("parallelism: 0"))))
                .hasMessageContaining("spec.job.parallelism: must be >= 1 (got 0)");
    }

    @Test
    void rejectsMissingClassName() {
        InvalidManifestException e = failure(manifest("job:\n  parallelism: 2"));
        assertThat(e.problems()).containsExactly("spec.job.className: required");
        assertThat(e).hasMessage("job.yaml: spec.job.className: required");
    }

    @Test
    void rejectsMissingJobSection() {
        assertThat(failure(manifest("state: running"))).hasMessageContaining("spec.job.className: required");
    }

    @Test
    void rejectsMissingSpec() {
        assertThat(failure(HEADER)).hasMessageContaining("spec: required");
    }

    @Test
    void rejectsInvalidName() {
        assertThat(failure(manifest(jobWith("")).replace("name: my-job", "name: My_Job")))
                .hasMessageContaining("metadata.name: must be a DNS-1123 label")
                .hasMessageContaining("(got \"My_Job\")");
    }

    @Test
    void rejectsNameStartingWithDigitOrTooLong() {
        assertThat(failure(manifest(jobWith("")).replace("name: my-job", "name: 1job")))
                .hasMessageContaining("metadata.name: must be a DNS-1123 label");
        assertThat(failure(manifest(jobWith("")).replace("name: my-job", "name: " + "a".repeat(64))))
                .hasMessageContaining("metadata.name: must be a DNS-1123 label");
    }

    @Test
    void rejectsMissingName() {
        assertThat(failure(manifest(jobWith("")).replace("  name: my-job\n", "  labels: {a: b}\n")))
                .hasMessageContaining("metadata.name: required");
    }

    @Test
    void rejectsInvalidNamespace() {
        assertThat(failure(manifest(jobWith("")).replace("name: my-job", "name: my-job\n  namespace: Prod")))
                .hasMessageContaining("metadata.namespace: must be a DNS-1123 label");
    }

    @Test
    void rejectsWrongKind() {
        assertThat(failure(manifest(jobWith("")).replace("kind: StreamJob", "kind: Deployment")))
                .hasMessageContaining("kind: expected StreamJob (got \"Deployment\")");
    }

    @Test
    void rejectsWrongApiVersion() {
        assertThat(failure(manifest(jobWith("")).replace("weir.dev/v1alpha1", "apps/v1")))
                .hasMessageContaining("apiVersion: expected weir.dev/v1alpha1 (got \"apps/v1\")");
    }

    @Test
    void rejectsMissingApiVersion() {
        assertThat(failure(manifest(jobWith("")).replace("apiVersion: weir.dev/v1alpha1\n", "")))
                .hasMessageContaining("apiVersion: expected weir.dev/v1alpha1 (got missing)");
    }

    @Test
    void rejectsTooShortCheckpointInterval() {
        assertThat(failure(manifest(jobWith("") + "checkpointing:\n  intervalMs: 50")))
                .hasMessageContaining("spec.checkpointing.intervalMs: must be 0 (off) or >= 100 (got 50)");
    }

    @Test
    void unalignedCheckpointsReachTheCoordinatorsConfig() throws Exception {
        StreamJobSpec spec = loader.parse(manifest(jobWith("") + "checkpointing:\n  unaligned: true\n  alignedTimeoutMs: 500"),
                "job.yaml").spec();
        dev.weir.runtime.checkpoint.CheckpointConfig config = dev.weir.coordinator.CheckpointConfigs.of(spec.getCheckpointing());
        assertThat(config.unaligned()).isTrue();
        assertThat(config.alignedTimeoutMs()).isEqualTo(500);
        assertThat(dev.weir.coordinator.CheckpointConfigs.of(loader.parse(manifest(jobWith("")), "job.yaml").spec()
                .getCheckpointing()).unaligned()).as("aligned by default").isFalse();
    }

    @Test
    void rejectsUnalignedCheckpointsWithAtLeastOnce() {
        assertThat(failure(manifest(jobWith("") + "checkpointing:\n  unaligned: true\n  mode: at-least-once")))
                .hasMessageContaining("spec.checkpointing.unaligned: unaligned checkpoints need mode exactly-once");
    }

    @Test
    void rejectsUnknownCheckpointingMode() {
        assertThat(failure(manifest(jobWith("") + "checkpointing:\n  mode: x")))
                .hasMessageContaining("spec.checkpointing.mode: must be one of exactly-once, at-least-once (got \"x\")");
    }

    @Test
    void rejectsUnknownSpecFieldWithItsFullPath() {
        InvalidManifestException e = failure(manifest(jobWith("paralelism: 2")));
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0))
                .startsWith("spec.job.paralelism: unknown field")
                .contains("parallelism");
    }

    @Test
    void rejectsUnknownNestedFieldWithItsFullPath() {
        assertThat(failure(manifest(jobWith("") + "storage:\n  credentialsSecret:\n    name: s\n    acessKey: a")))
                .hasMessageContaining("spec.storage.credentialsSecret.acessKey: unknown field");
    }

    @Test
    void rejectsUnknownTopLevelAndMetadataFields() {
        InvalidManifestException e = failure(manifest(jobWith("")).replace("metadata:", "extra: 1\nmetadata:\n  uid: x"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("extra: unknown field"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("metadata.uid: unknown field"));
    }

    @Test
    void ignoresStatus() throws Exception {
        StreamJobManifest m = loader.parse(manifest(jobWith("")) + "status:\n  phase: Running\n", "job.yaml");
        assertThat(m.name()).isEqualTo("my-job");
    }

    @Test
    void rejectsWrongType() {
        assertThat(failure(manifest(jobWith("parallelism: two"))))
                .hasMessageContaining("spec.job.parallelism: expected an integer (got \"two\")");
    }

    @Test
    void rejectsQuotedNumberAndFloatForInteger() {
        assertThat(failure(manifest(jobWith("parallelism: \"2\""))))
                .hasMessageContaining("spec.job.parallelism: expected an integer (got \"2\")");
        assertThat(failure(manifest(jobWith("parallelism: 2.5"))))
                .hasMessageContaining("spec.job.parallelism: expected an integer (got 2.5)");
    }

    @Test
    void rejectsScalarWhereSectionExpected() {
        assertThat(failure(manifest(jobWith("") + "checkpointing: fast")))
                .hasMessageContaining("spec.checkpointing: expected a mapping (got \"fast\")");
    }

    @Test
    void rejectsNumberForStringAndStringForBoolean() {
        assertThat(failure(manifest("job:\n  className: 42")))
                .hasMessageContaining("spec.job.className: expected a string (got 42)");
        assertThat(failure(manifest(jobWith("") + "storage:\n  pathStyle: \"yes\"")))
                .hasMessageContaining("spec.storage.pathStyle: expected true or false (got \"yes\")");
    }

    @Test
    void reportsYamlSyntaxErrorWithFileAndLine() {
        String yaml = HEADER + "spec:\n  job:\n    className: [unclosed\n";
        InvalidManifestException e = failure(yaml);
        assertThat(e.getMessage()).startsWith("job.yaml: line ").contains("invalid YAML");
        assertThat(e.source()).isEqualTo("job.yaml");
    }

    @Test
    void reportsLineOfBadIndentation() {
        String yaml = HEADER + "spec:\n  job:\n    className: a.B\n   parallelism: 2\n";
        assertThat(failure(yaml)).hasMessageStartingWith("job.yaml: line 8");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThat(failure(manifest(jobWith("parallelism: 1\nparallelism: 2"))))
                .hasMessageContaining("job.yaml: line ")
                .hasMessageContaining("parallelism");
    }

    @Test
    void rejectsEmptyAndMultiDocumentFiles() {
        assertThat(failure("# nothing here\n")).hasMessageContaining("empty");
        String one = manifest(jobWith(""));
        assertThat(failure(one + "---\n" + one)).hasMessageContaining("expected one StreamJob document (found 2)");
    }

    @Test
    void acceptsLeadingDocumentSeparator() throws Exception {
        assertThat(loader.parse("---\n" + manifest(jobWith("")), "job.yaml").name()).isEqualTo("my-job");
    }

    @Test
    void rejectsTopLevelList() {
        assertThat(failure("- a\n- b\n")).hasMessageContaining("expected a StreamJob mapping at the top level (got a list)");
    }

    @Test
    void reportsAllRuleViolationsAtOnce() {
        InvalidManifestException e = failure(manifest(jobWith("parallelism: 0") + """
                checkpointing: {intervalMs: 50, retained: 0}
                restartPolicy: {maxRestarts: -1}"""));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "spec.job.parallelism: must be >= 1 (got 0)",
                "spec.checkpointing.intervalMs: must be 0 (off) or >= 100 (got 50)",
                "spec.checkpointing.retained: must be >= 1 (got 0)",
                "spec.restartPolicy.maxRestarts: must be >= 0 (got -1)");
        assertThat(e.getMessage()).startsWith("job.yaml: 4 problems:");
    }

    @Test
    void loadsFromFileNamingItInErrors(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, manifest(jobWith("parallelism: 0")));
        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageStartingWith(file + ": spec.job.parallelism");
    }

    @Test
    void resolvesARelativeJarPathAgainstTheManifestsDirectory(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = Files.createDirectories(dir.resolve("jobs")).resolve("job.yaml");
        Files.writeString(file, manifest(jobWith("jarURI: ../build/my job.jar")));
        assertThat(loader.load(file).spec().getJob().getJarURI())
                .isEqualTo(dir.resolve("build/my job.jar").toUri().toString())
                .startsWith("file:///").endsWith("/build/my%20job.jar");

        Files.writeString(file, manifest(jobWith("jarURI: s3://jobs/job.jar\njarSha256: " + "ab".repeat(32))));
        StreamJobManifest s3 = loader.load(file);
        assertThat(s3.spec().getJob().getJarURI()).isEqualTo("s3://jobs/job.jar");
        assertThat(s3.spec().getJob().getJarSha256()).isEqualTo("ab".repeat(32));
    }

    @Test
    void rejectsAJarUriWithAnUnknownScheme() {
        assertThat(failure(manifest(jobWith("jarURI: hdfs://namenode/job.jar"))).problems()).containsExactly(
                "spec.job.jarURI: must be local:///path/in/the/image.jar (a jar inside spec.image) or s3://bucket/key.jar,"
                        + " or file:///abs/path.jar or a path relative to the manifest (got \"hdfs://namenode/job.jar\")");
    }

    @Test
    void everyExampleManifestLoadsAndValidates() throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("k8s-examples"))) {
            // Secrets sit beside the jobs for `kubectl apply`; `weir local` only reads StreamJobs.
            examples = files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().endsWith("-credentials.yaml")).sorted().toList();
        }
        assertThat(examples).extracting(f -> f.getFileName().toString()).contains("keyed-count.yaml", "word-count.yaml");
        for (Path example : examples) {
            StreamJobManifest m = loader.load(example);
            assertThat(m.name()).as(example.toString()).isNotBlank();
            assertThat(m.spec().getJob().getClassName()).as(example.toString()).startsWith("dev.weir.examples.");
        }
    }

    @Test
    void kafkaExampleIsKeyedCountFromKafkaToKafkaExactlyOnce() throws Exception {
        StreamJobManifest m = loader.load(Path.of("k8s-examples/kafka-exactly-once.yaml"));
        assertThat(m.spec().getJob().getClassName()).isEqualTo("dev.weir.examples.KeyedCountJob");
        java.util.Map<String, String> args = m.spec().getJob().getArgs();
        assertThat(args.get("input")).isEqualTo("kafka://kafka.kafka:9092/numbers");
        assertThat(args.get("output")).isEqualTo("kafka://kafka.kafka:9092/counts");
        // The job accepts its arguments (defining the graph parses both URIs; nothing connects yet).
        new dev.weir.examples.KeyedCountJob().define(new dev.weir.runtime.dataflow.StreamEnvironment(2, 128),
                new dev.weir.runtime.dataflow.JobArgs(args));
    }

    @Test
    void keyedCountExampleHasTheBenchmarkSettings() throws Exception {
        StreamJobManifest m = loader.load(Path.of("k8s-examples/keyed-count.yaml"));
        assertThat(m.name()).isEqualTo("keyed-count");
        assertThat(m.spec().getImage()).isEqualTo("weir:0.1.0");
        assertThat(m.spec().getJob().getClassName()).isEqualTo("dev.weir.examples.KeyedCountJob");
        assertThat(m.spec().getJob().getParallelism()).isEqualTo(2);
        assertThat(m.spec().getJob().getArgs()).containsExactly(
                java.util.Map.entry("records", "2000000"),
                java.util.Map.entry("keys", "1000"),
                java.util.Map.entry("output", "target/weir-output/keyed-count"));
        assertThat(m.spec().getCheckpointing().getIntervalMs()).isEqualTo(1000);
        assertThat(m.spec().getStorage().getEndpoint()).isNull();
    }

    @Test
    void wordCountInputFileExists() throws Exception {
        StreamJobManifest m = loader.load(Path.of("k8s-examples/word-count.yaml"));
        assertThat(Path.of(m.spec().getJob().getArgs().get("input"))).isRegularFile();
    }
}
