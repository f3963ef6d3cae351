package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.WeirCommand;
import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.KafkaTopics;

/**
 * Kafka consumer lag end to end: a backlog waits in a real (KRaft) topic before a job whose keyed
 * function is paced reads it. While the job works through it, its source's pending records show the
 * backlog in the REST API and in the workers' own Prometheus metrics; once the job has caught up,
 * both say 0, and the job, unbounded, keeps running.
 */
class KafkaSourceLagIT {

    private static final String JOB = "lagging";
    private static final String SOURCE = "kafka-source";
    private static final long BACKLOG = 100_000; // 25 s of work at the function's pace
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void pendingRecordsShowTheBacklogAndFallToZeroOnceTheJobCaughtUp() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = "lag-" + System.nanoTime();
        kafka.createTopic(topic, 2);
        KafkaTopics.produceDecimals(kafka.bootstrapServers(), topic, BACKLOG);
        Path stateDir = dir.resolve("state");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> WeirLocal.run(new String[] {
                "--state-dir", stateDir.toString(), "--quiet", manifest(kafka.bootstrapServers(), topic).toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        try {
            await(() -> Files.exists(stateDir.resolve("rest").resolve(JOB + ".json")) || run.isDone(),
                    Duration.ofSeconds(60), "the REST endpoint; stderr: " + err);
            URI job = URI.create(RestEndpointFile.read(stateDir).get(0).url() + "/v1/jobs/" + JOB);

            JsonNode backlog = awaitSource(job, s -> s.path("pendingRecords").asLong(0) > 0, "a backlog");
            assertThat(backlog.path("pendingRecords").asLong()).as("no more than the topic holds")
                    .isBetween(1L, BACKLOG);
            List<WorkerMetricsEndpoint> workers = List.of(WorkerMetricsEndpoint.of(stateDir, JOB, 1, 0),
                    WorkerMetricsEndpoint.of(stateDir, JOB, 1, 1));
            await(() -> pendingInMetrics(workers) > 0, Duration.ofSeconds(60), () -> "the backlog in the workers' metrics"
                    + " (the REST API's source then: " + backlog + "; the metrics now: " + scrapes(workers) + ")");
            assertThat(pendingInMetrics(workers)).isLessThanOrEqualTo(BACKLOG);

            JsonNode caughtUp = awaitSource(job, s -> s.path("pendingRecords").isNumber()
                    && s.path("pendingRecords").asLong() == 0 && everySubtask(s, 0), "no backlog");
            // The subtasks' figures come from two workers' latest heartbeats: they agree within a heartbeat or two.
            JsonNode whole = awaitSource(job, s -> s.path("recordsIn").asLong() >= BACKLOG, "the whole topic read");
            assertThat(whole.path("recordsIn").asLong()).as("the source read the whole topic, once: %s (when the"
                    + " backlog was gone: %s)", whole, caughtUp).isEqualTo(BACKLOG);
            await(() -> pendingInMetrics(workers) == 0, Duration.ofSeconds(30), "no backlog in the workers' metrics");
            for (int worker = 0; worker < 2; worker++) {
                String scrape = workers.get(worker).scrape();
                assertThat(WorkerMetricsEndpoint.value(scrape, "weir_source_pending_records", JOB, SOURCE, worker, worker))
                        .hasValue(0.0);
            }
            assertThat(run).as("unbounded: it runs on after catching up").isNotDone();
        } finally {
            if (!run.isDone()) {
                WeirCommand.commandLine(System.out, System.err).execute("cancel", JOB, "--state-dir", stateDir.toString());
            }
            run.get(120, TimeUnit.SECONDS);
        }
    }

    /** Both workers' pending records of their Kafka source subtask, summed; NaN ones (not measured yet) count as -1. */
    private static double pendingInMetrics(List<WorkerMetricsEndpoint> workers) {
        double sum = 0;
        for (int worker = 0; worker < workers.size(); worker++) {
            double pending = WorkerMetricsEndpoint.value(workers.get(worker).scrape(), "weir_source_pending_records", JOB,
                    SOURCE, worker, worker).orElseThrow(() -> new AssertionError("no pending-records series"));
            sum += Double.isNaN(pending) ? -1 : pending;
        }
        return sum;
    }

    private static String scrapes(List<WorkerMetricsEndpoint> workers) {
        StringBuilder all = new StringBuilder();
        for (int worker = 0; worker < workers.size(); worker++) {
            all.append("worker ").append(worker).append(": ").append(WorkerMetricsEndpoint.value(
                    workers.get(worker).scrape(), "weir_source_pending_records", JOB, SOURCE, worker, worker)).append("; ");
        }
        return all.toString();
    }

    private static boolean everySubtask(JsonNode source, long pending) {
        if (source.path("subtasks").size() != 2) {
            return false;
        }
        for (JsonNode subtask : source.path("subtasks")) {
            if (!subtask.path("pendingRecords").isNumber() || subtask.path("pendingRecords").asLong() != pending) {
                return false;
            }
        }
        return true;
    }

    /** The source vertex of the overview, once {@code condition} holds for it. */
    private JsonNode awaitSource(URI job, java.util.function.Predicate<JsonNode> condition, String what)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(job).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                for (JsonNode vertex : JSON.readTree(response.body()).path("graph").path("vertices")) {
                    if (vertex.path("source").asBoolean()) {
                        last = vertex;
                        if (condition.test(vertex)) {
                            return vertex;
                        }
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within 3 minutes: " + what + "; the source last: " + last);
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        await(condition, timeout, () -> what);
    }

    private static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what.get());
            }
            Thread.sleep(200);
        }
    }

    /** keyed-count from Kafka, its keyed function paced to 2,000 records/s per subtask, unbounded. */
    private Path manifest(String bootstrap, String topic) {
        try {
            Path manifest = dir.resolve(JOB + ".yaml");
            Files.writeString(manifest, """
                    apiVersion: weir.dev/v1alpha1
                    kind: StreamJob
                    metadata:
                      name: %s
                    spec:
                      job:
                        className: dev.weir.testing.ChaosKeyedCountJob
                        parallelism: 2
                        args:
                          records: "-1"
                          keys: "100"
                          rate: "2000"
                          input: kafka://%s/%s
                          output: %s
                      checkpointing:
                        intervalMs: 1000
                    """.formatted(JOB, bootstrap, topic, dir.resolve("out")));
            return manifest;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
