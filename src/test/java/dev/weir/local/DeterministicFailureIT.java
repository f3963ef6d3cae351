package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.MissingDependencyJars;

/**
 * Mistakes no restart can fix, through {@code weir local} with worker processes (the operator's
 * side: OperatorDeterministicFailureIT): each fails the job at once, without a restart although
 * the policy allows many, with exit code 2 and a message that names the cause.
 */
class DeterministicFailureIT {

    @TempDir
    Path dir;

    @Test
    void jobClassThatDoesNotExist() throws Exception {
        run("com.example.NoSuchJob", Map.of("output", "discard"))
                .assertFailedBeforeStartWith("job class 'com.example.NoSuchJob' was not found");
    }

    @Test
    void classThatIsNoJobDefinition() throws Exception {
        run("java.lang.StringBuilder", Map.of("output", "discard"))
                .assertFailedBeforeStartWith("job class 'java.lang.StringBuilder' does not implement");
    }

    @Test
    void dependencyMissingFromTheJobJarWhenTheGraphIsBuilt() throws Exception {
        Path jar = MissingDependencyJars.build(MissingDependencyJars.AT_BUILD, dir);
        run(MissingDependencyJars.AT_BUILD, Map.of(), jar)
                .assertFailedBeforeStartWith("needs class " + MissingDependencyJars.MISSING);
    }

    @Test
    void dependencyMissingFromTheJobJarWhenARecordArrives() throws Exception {
        Path jar = MissingDependencyJars.build(MissingDependencyJars.AT_RUN, dir);
        run(MissingDependencyJars.AT_RUN, Map.of(), jar)
                .assertFailedAtOnceWith("class '" + MissingDependencyJars.MISSING + "' is missing at run time");
    }

    @Test
    void aJobArgumentOutOfItsBounds() throws Exception {
        run("dev.weir.examples.KeyedCountJob", Map.of("keys", "0", "output", "discard"))
                .assertFailedBeforeStartWith("job argument 'keys': must be >= 1 (got 0)");
    }

    /** It used to make an unbounded job (738 MB of output in 20 s). */
    @Test
    void aNegativeRecordCount() throws Exception {
        run("dev.weir.examples.KeyedCountJob", Map.of("records", "-5", "output", dir.resolve("out").toString()))
                .assertFailedBeforeStartWith("job argument 'records': must be >= 0 (got -5)");
    }

    /** These used to restart until the limit, for about six minutes. */
    @Test
    void anOutputPathThatIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("out"), "a file");
        run("dev.weir.examples.KeyedCountJob", Map.of("output", file.toString()))
                .assertFailedAtOnceWith("output directory " + file + " is a file, not a directory");
    }

    @Test
    void anOutputDirectoryThatTakesNoFiles() throws Exception {
        // /sys refuses new files even to root, who may write anywhere else the test could choose.
        run("dev.weir.examples.KeyedCountJob", Map.of("output", "/sys"))
                .assertFailedAtOnceWith("output directory /sys is not writable");
    }

    @Test
    void anOutputBucketWithAnInvalidName() throws Exception {
        run("dev.weir.examples.KeyedCountJob", Map.of("output", "s3://Bad_Bucket/out"))
                .assertFailedBeforeStartWith("invalid S3 bucket name 'Bad_Bucket'");
    }

    @Test
    void recordTypeWithoutASerializerAcrossAKeyBy() throws Exception {
        run("dev.weir.testing.UnserializableRecordJob", Map.of())
                .assertFailedBeforeStartWith("emits dev.weir.testing.UnserializableRecordJob$Reading, which is not Serializable");
    }

    @Test
    void outputTopicThatDoesNotExist() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        run("dev.weir.examples.KeyedCountJob", Map.of("output", "kafka://" + kafka.bootstrapServers() + "/no-such-topic"))
                .assertFailedAtOnceWith("topic no-such-topic does not exist");
    }

    private record Outcome(int exitCode, String stdout, String stderr, boolean storeStarted) {
        /**
         * Found by building the job's graph before the checkpoint store starts (issue 13 §5): the
         * state directory (embedded store, worker logs) is never created.
         */
        void assertFailedBeforeStartWith(String cause) throws Exception {
            assertFailedAtOnceWith(cause);
            assertThat(storeStarted).as("the state directory was created; stderr: %s", stderr).isFalse();
        }

        void assertFailedAtOnceWith(String cause) throws Exception {
            assertThat(exitCode).as("exit code of a job that cannot run; stderr: %s", stderr).isEqualTo(2);
            JsonNode summary = new ObjectMapper().readTree(stdout.lines().reduce((a, b) -> b).orElseThrow());
            assertThat(summary.get("state").asText()).isEqualTo("FAILED");
            assertThat(summary.get("restarts").asInt()).as("never restarted").isZero();
            assertThat(summary.get("error").asText()).contains(cause);
            assertThat(stderr).contains("job no-restart failed", cause);
        }
    }

    private Outcome run(String className, Map<String, String> args) throws Exception {
        return run(className, args, null);
    }

    private Outcome run(String className, Map<String, String> args, Path jar) throws Exception {
        Map<String, String> all = new java.util.LinkedHashMap<>(Map.of("records", "5000"));
        all.putAll(args);
        StringBuilder yamlArgs = new StringBuilder();
        all.forEach((k, v) -> yamlArgs.append("      ").append(k).append(": \"").append(v).append("\"\n"));
        Path manifest = dir.resolve("job.yaml");
        Files.writeString(manifest, """
                apiVersion: weir.dev/v1alpha1
                kind: StreamJob
                metadata:
                  name: no-restart
                spec:
                  job:
                    className: %s
                %s    parallelism: 2
                    args:
                %s  checkpointing:
                    intervalMs: 200
                  restartPolicy:
                    maxRestarts: 10
                    initialBackoffMs: 10
                """.formatted(className, jar == null ? "" : "    jarURI: " + jar.toUri() + "\n", yamlArgs));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WeirLocal.run(new String[] {"--quiet", "--state-dir", dir.resolve("state").toString(),
                manifest.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                Files.exists(dir.resolve("state")));
    }
}
