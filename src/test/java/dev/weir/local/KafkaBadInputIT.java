package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.testing.EmbeddedKafka;

/**
 * keyed-count pointed at a broker nobody runs or at a topic that does not exist, end to end
 * through {@code weir local --in-process}: each attempt fails at start with an error naming the
 * connector and the setting, and the summary and stderr carry that error. A broker that does not
 * answer may come up: the restart policy applies (it gives up after one restart here). A topic
 * that does not exist is a mistake in the job's settings: the job fails at once (exit code 2).
 */
class KafkaBadInputIT {

    /** A port nothing listens on: connections are refused at once. */
    private static final String NOBODY = "127.0.0.1:1";

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.shared();
    }

    @Test
    void unreachableInputBrokerFailsTheJobNamingTheSourceAndBootstrapServers() throws Exception {
        Outcome outcome = run("kafka://" + NOBODY + "/numbers?default.api.timeout.ms=1500", "discard");
        outcome.assertFailedWith("KafkaSource([numbers])", "no Kafka broker answered at bootstrap.servers=" + NOBODY);
    }

    @Test
    void unreachableOutputBrokerFailsTheJobNamingTheSinkAndBootstrapServers() throws Exception {
        Outcome outcome = run("generator", "kafka://" + NOBODY + "/counts?max.block.ms=1500");
        outcome.assertFailedWith("KafkaSink(EXACTLY_ONCE", "no Kafka broker answered at bootstrap.servers=" + NOBODY);
    }

    @Test
    void missingInputTopicFailsTheJobNamingTheTopic() throws Exception {
        Outcome outcome = run("kafka://" + kafka.bootstrapServers() + "/no-such-numbers", "discard");
        outcome.assertFailedAtOnceWith("KafkaSource([no-such-numbers])", "topic no-such-numbers does not exist");
    }

    @Test
    void missingOutputTopicFailsTheJobNamingTheTopic() throws Exception {
        Outcome outcome = run("generator", "kafka://" + kafka.bootstrapServers() + "/no-such-counts?guarantee=at-least-once");
        outcome.assertFailedAtOnceWith("KafkaSink(AT_LEAST_ONCE)", "topic no-such-counts does not exist");
    }

    private record Outcome(int exitCode, String stdout, String stderr) {
        void assertFailedWith(String connector, String problem) throws Exception {
            assertFailed(1, 1, connector, problem);
        }

        void assertFailedAtOnceWith(String connector, String problem) throws Exception {
            assertFailed(2, 0, connector, problem);
        }

        private void assertFailed(int exit, int restarts, String connector, String problem) throws Exception {
            assertThat(exitCode).as("stderr: %s", stderr).isEqualTo(exit);
            JsonNode summary = new ObjectMapper().readTree(stdout.lines().reduce((a, b) -> b).orElseThrow());
            assertThat(summary.get("state").asText()).isEqualTo("FAILED");
            assertThat(summary.get("restarts").asInt()).as("restarts").isEqualTo(restarts);
            assertThat(summary.get("error").asText()).contains(connector, problem);
            assertThat(stderr).contains("job bad-kafka failed", connector, problem);
        }
    }

    private Outcome run(String input, String output) throws Exception {
        Path manifest = dir.resolve("job.yaml");
        Files.writeString(manifest, """
                apiVersion: weir.dev/v1alpha1
                kind: StreamJob
                metadata:
                  name: bad-kafka
                spec:
                  job:
                    className: dev.weir.examples.KeyedCountJob
                    parallelism: 1
                    args:
                      records: "1000"
                      keys: "10"
                      input: "%s"
                      output: "%s"
                  checkpointing:
                    intervalMs: 200
                  restartPolicy:
                    maxRestarts: 1
                    initialBackoffMs: 10
                """.formatted(input, output));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WeirLocal.run(new String[] {"--in-process", "--quiet", "--state-dir", dir.resolve("state").toString(),
                manifest.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
