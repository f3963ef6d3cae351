package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.Condition;
import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobStatus;
import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.MissingDependencyJars;

/**
 * Mistakes no restart can fix, through the operator with real worker processes (the weir local
 * side: DeterministicFailureIT). The operator never loads the job's class; the workers do, and
 * report what fails. Each job ends Failed at once with Ready=False and a reason that names the
 * kind of mistake, without a restart although the policy allows many, and its pods are gone.
 */
class OperatorDeterministicFailureIT {

    @TempDir
    Path dir;

    @Test
    void jobClassThatDoesNotExist() throws Exception {
        failsWith("missing-class", "com.example.NoSuchJob", Map.of("output", "discard"), "JobClassError",
                "job class 'com.example.NoSuchJob' was not found");
    }

    @Test
    void classThatIsNoJobDefinition() throws Exception {
        failsWith("not-a-job", "java.lang.StringBuilder", Map.of("output", "discard"), "JobClassError",
                "does not implement dev.weir.runtime.dataflow.JobDefinition");
    }

    @Test
    void dependencyMissingFromTheJobJarWhenTheGraphIsBuilt() throws Exception {
        Path jar = MissingDependencyJars.build(MissingDependencyJars.AT_BUILD, dir);
        failsWith("missing-build-dependency", MissingDependencyJars.AT_BUILD, jar, Map.of(), "JobClassError",
                "needs class " + MissingDependencyJars.MISSING);
    }

    @Test
    void dependencyMissingFromTheJobJarWhenARecordArrives() throws Exception {
        Path jar = MissingDependencyJars.build(MissingDependencyJars.AT_RUN, dir);
        failsWith("missing-run-dependency", MissingDependencyJars.AT_RUN, jar, Map.of(), "JobClassError",
                "class '" + MissingDependencyJars.MISSING + "' is missing at run time");
    }

    @Test
    void aJobArgumentOutOfItsBounds() throws Exception {
        failsWith("bad-argument", "dev.weir.examples.KeyedCountJob", Map.of("records", "-5", "output", "discard"),
                "JobConfigError", "job argument 'records': must be >= 0 (got -5)");
    }

    @Test
    void anOutputPathThatIsAFile() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("out"), "a file");
        failsWith("output-is-a-file", "dev.weir.examples.KeyedCountJob", Map.of("output", file.toString()),
                "JobConfigError", "output directory " + file + " is a file, not a directory");
    }

    @Test
    void recordTypeWithoutASerializerAcrossAKeyBy() throws Exception {
        failsWith("unserializable", "dev.weir.testing.UnserializableRecordJob", Map.of(), "SerializationError",
                "UnserializableRecordJob$Reading, which is not Serializable");
    }

    @Test
    void outputTopicThatDoesNotExist() throws Exception {
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        failsWith("missing-topic", "dev.weir.examples.KeyedCountJob",
                Map.of("output", "kafka://" + bootstrap + "/no-such-topic"), "JobConfigError",
                "topic no-such-topic does not exist");
    }

    private void failsWith(String name, String className, Map<String, String> args, String reason, String message)
            throws Exception {
        failsWith(name, className, null, args, reason, message);
    }

    /** {@code jar}: the job's jar on the worker's file system (the kubelet harness runs workers here), or null. */
    private void failsWith(String name, String className, Path jar, Map<String, String> args, String reason,
                           String message) throws Exception {
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, OperatorEndToEndIT.loopback(0))) {
            StreamJob job = OperatorTestEnv.job(name, 2);
            job.getSpec().getStorage().setEndpoint(fixture.s3.endpoint());
            job.getSpec().getJob().setClassName(className);
            if (jar != null) {
                job.getSpec().getJob().setJarURI("local://" + jar.toAbsolutePath());
            }
            Map<String, String> jobArgs = new LinkedHashMap<>(Map.of("records", "5000"));
            jobArgs.putAll(args);
            job.getSpec().getJob().setArgs(jobArgs);
            job.getSpec().getRestartPolicy().setMaxRestarts(10);
            job.getSpec().getRestartPolicy().setInitialBackoffMs(100);
            fixture.env.create(job);

            fixture.await(name, () -> fixture.status(name).getPhase() == JobPhase.Failed, Duration.ofSeconds(90));
            StreamJobStatus status = fixture.status(name);
            Condition ready = status.getConditions().stream().filter(c -> Condition.READY.equals(c.getType()))
                    .findFirst().orElseThrow();
            assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
            assertThat(ready.getReason()).isEqualTo(reason);
            assertThat(ready.getMessage()).contains(message);
            assertThat(status.getError()).contains(message);
            assertThat(status.getRestarts()).as("never restarted").isZero();
            assertThat(status.getAttempt()).isEqualTo(1);
            fixture.await(name, () -> fixture.env.pods(name).isEmpty(), Duration.ofSeconds(30));
        }
    }
}
