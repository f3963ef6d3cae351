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
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.WeirCommand;

/**
 * A running {@code weir local} job (worker processes, the default) read and driven through its
 * coordinator's REST API and the {@code weir} commands: the graph with every subtask's live rates,
 * time split and watermark (an event-time job: windowed-count), the checkpoint history, the
 * coordinator's and each worker's own Prometheus metrics, a savepoint taken while the job goes on, actions refused
 * without the job's token, and a stop with a savepoint that the job's own summary confirms.
 */
class RestApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB = "observed";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRunningJobShowsItsGraphRatesAndCheckpointsAndStopsWithASavepointThroughTheApiAndTheCli() throws Exception {
        Path stateDir = dir.resolve("state");
        Path manifest = manifest(dir.resolve("out"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> WeirLocal.run(new String[] {
                "--state-dir", stateDir.toString(), "--quiet", manifest.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        try {
            Path endpointFile = stateDir.resolve("rest").resolve(JOB + ".json");
            awaitTrue(() -> Files.exists(endpointFile), "endpoint file; stderr: " + err);
            assertThat(Files.getPosixFilePermissions(endpointFile)).as("it holds the actions' token")
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            RestEndpointFile endpoint = RestEndpointFile.read(stateDir).get(0);
            URI job = URI.create(endpoint.url() + "/v1/jobs/" + JOB);

            JsonNode overview = awaitOverview(job, o -> o.path("state").asText().equals("RUNNING")
                    && o.path("checkpoints").path("completed").asLong() >= 2 && everySubtaskReported(o));
            assertThat(overview.path("attempt").asLong()).isPositive();
            assertThat(overview.path("restarts").asLong()).isZero();
            assertThat(overview.path("uptimeMs").asLong()).isPositive();
            JsonNode graph = overview.path("graph");
            assertThat(graph.path("parallelism").asInt()).isEqualTo(2);
            assertThat(graph.path("edges")).as("the keyed edge").anySatisfy(edge ->
                    assertThat(edge.path("partitioning").asText()).isEqualTo("key-by"));
            JsonNode source = vertex(graph, true);
            assertThat(source.path("subtasks")).hasSize(2);
            assertThat(source.path("recordsOut").asLong()).isPositive();
            for (JsonNode vertex : graph.path("vertices")) {
                for (JsonNode subtask : vertex.path("subtasks")) {
                    double split = subtask.path("busyMsPerSecond").asDouble()
                            + subtask.path("backPressuredMsPerSecond").asDouble()
                            + subtask.path("idleMsPerSecond").asDouble();
                    assertThat(split).as("busy + back-pressured + idle of %s", subtask).isBetween(900.0, 1100.0);
                }
            }
            assertThat(vertex(graph, false).path("recordsIn").asLong()).as("records reached the keyed task")
                    .isPositive();
            for (JsonNode vertex : graph.path("vertices")) {
                long lowest = Long.MAX_VALUE;
                for (JsonNode subtask : vertex.path("subtasks")) {
                    lowest = Math.min(lowest, subtask.path("watermark").asLong());
                    assertThat(subtask.path("watermarkLagMs").asLong()).as("lag of %s", subtask)
                            .isEqualTo(Math.max(0, overview.path("startTime").asLong() + overview.path("uptimeMs").asLong()
                                    - subtask.path("watermark").asLong()));
                }
                assertThat(vertex.path("watermark").asLong()).as("the lowest of %s", vertex).isEqualTo(lowest);
            }

            JsonNode checkpoints = get(URI.create(job + "/checkpoints"));
            assertThat(checkpoints.path("checkpoints")).anySatisfy(c -> {
                assertThat(c.path("status").asText()).isEqualTo("COMPLETED");
                assertThat(c.path("type").asText()).isEqualTo("CHECKPOINT");
                assertThat(c.path("sizeBytes").asLong()).isPositive();
                assertThat(c.path("location").asText()).contains("/checkpoints/chk-");
                assertThat(c.path("tasks")).as("every task's part").hasSize(graph.path("vertices").size())
                        .allSatisfy(task -> {
                            assertThat(task.path("subtasks")).hasSize(2);
                            assertThat(task.path("durationMs").asLong()).isBetween(0L, c.path("durationMs").asLong());
                            long sum = 0;
                            for (JsonNode subtask : task.path("subtasks")) {
                                sum += subtask.path("stateSize").asLong();
                            }
                            assertThat(task.path("sizeBytes").asLong()).isEqualTo(sum);
                        });
            });
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/metrics"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("text/plain; version=0.0.4"));
            assertThat(scrape.body()).containsPattern("weir_checkpoints_completed_total\\{job=\"" + JOB + "\",} [1-9]")
                    .containsPattern("weir_checkpoint_state_size_bytes\\{job=\"" + JOB + "\",task=\""
                            + java.util.regex.Pattern.quote(vertex(graph, false).path("name").asText()) + "\",} [1-9]")
                    .as("the subtasks' series are the workers' own").doesNotContain("weir_task_");
            assertWorkersExportTheirSubtasks(stateDir, graph);
            assertThat(get(URI.create(endpoint.url() + "/v1/jobs")).path("jobs")).singleElement()
                    .satisfies(j -> assertThat(j.path("name").asText()).isEqualTo(JOB));

            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(job + "/savepoints"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as("an action without the token").isEqualTo(401);
            HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(job + "/cancel"))
                    .header("Authorization", "Bearer not-the-token").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(401);

            Cli jobs = weir("jobs", "--state-dir", stateDir.toString());
            assertThat(jobs.code()).as(jobs.err()).isZero();
            assertThat(jobs.out()).containsPattern("(?m)^NAME +STATE +ATTEMPT").containsPattern("(?m)^" + JOB
                    + " +RUNNING ");

            Cli savepoint = weir("savepoint", JOB, "--state-dir", stateDir.toString());
            assertThat(savepoint.code()).as(savepoint.err()).isZero();
            assertThat(savepoint.out()).startsWith("savepoint ").contains("/savepoints/sp-");
            Cli history = weir("checkpoints", JOB, "--state-dir", stateDir.toString());
            assertThat(history.code()).as(history.err()).isZero();
            assertThat(history.out()).containsPattern("(?m)^\\d+ +SAVEPOINT +COMPLETED ")
                    .containsPattern("(?m)^\\d+ +CHECKPOINT +COMPLETED ");

            Cli stop = weir("stop", JOB, "--savepoint", "--state-dir", stateDir.toString());
            assertThat(stop.code()).as(stop.err()).isZero();
            String stoppedAt = stop.out().strip().replaceFirst("^savepoint \\d+ of " + JOB + ": ", "");
            assertThat(run.get(120, TimeUnit.SECONDS)).as("stderr: %s", err).isZero();
            JsonNode summary = WeirLocalProcess.lastJsonLine(out.toString(StandardCharsets.UTF_8));
            assertThat(summary.path("state").asText()).isEqualTo("SUSPENDED");
            assertThat(summary.path("savepoint").path("path").asText()).isEqualTo(stoppedAt);
            assertThat(endpointFile).as("removed when the job ended").doesNotExist();
        } finally {
            if (!run.isDone()) {
                weir("cancel", JOB, "--state-dir", stateDir.toString());
                run.get(120, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theCliNamesTheProblemWhenNoJobRunsOrStopLacksSavepoint() {
        Cli none = weir("checkpoints", "missing", "--state-dir", dir.resolve("empty").toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).startsWith("weir checkpoints: no running job missing in ");
        Cli stop = weir("stop", "missing", "--state-dir", dir.resolve("empty").toString());
        assertThat(stop.code()).isEqualTo(2);
        assertThat(stop.err()).startsWith("weir stop: stopping takes a savepoint: pass --savepoint");
        Cli unreachable = weir("jobs", "--url", "http://127.0.0.1:1");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("weir jobs: nothing answers at http://127.0.0.1:1");
    }

    /**
     * Each worker process serves its own subtasks' series on its control port (the address its log
     * names): both subtasks of every task, with a source's records growing from one scrape to the
     * next, its pending records series, the latest checkpoint's figures, and the JVM's.
     */
    private void assertWorkersExportTheirSubtasks(Path stateDir, JsonNode graph) throws Exception {
        String source = Pattern.quote(vertex(graph, true).path("name").asText());
        String keyed = Pattern.quote(vertex(graph, false).path("name").asText());
        for (int w = 0; w < 2; w++) {
            int worker = w;
            WorkerMetricsEndpoint metrics = WorkerMetricsEndpoint.of(stateDir, JOB, 1, worker);
            String labels = "\\{job=\"" + JOB + "\",subtask=\"" + worker + "\",task=\"%s\",worker=\"" + worker + "\",\\}";
            String first = metrics.scrape();
            assertThat(first).containsPattern("weir_task_records_in_total" + labels.formatted(keyed) + " [1-9]")
                    .containsPattern("weir_task_busy_time_seconds_total" + labels.formatted(keyed) + " \\d")
                    .containsPattern("weir_task_back_pressured_time_seconds_total" + labels.formatted(source) + " \\d")
                    .containsPattern("weir_task_watermark_lag_seconds" + labels.formatted(keyed) + " [0-9]")
                    .as("the generator cannot tell what it has not produced yet: NaN, Kafka's lag in KafkaSourceLagIT")
                    .containsPattern("weir_source_pending_records" + labels.formatted(source) + " NaN")
                    .containsPattern("weir_task_checkpoint_id" + labels.formatted(keyed) + " [1-9]")
                    .containsPattern("weir_task_checkpoint_size_bytes" + labels.formatted(keyed) + " [1-9]")
                    .containsPattern("weir_task_checkpoint_sync_seconds" + labels.formatted(keyed) + " \\d")
                    .containsPattern("weir_task_checkpoint_async_seconds" + labels.formatted(keyed) + " \\d")
                    // jvm_gc_pause_* appear only after the worker's first collection: a quiet worker may have had none
                    .containsPattern("jvm_gc_memory_allocated_bytes_total\\{.*worker=\"" + worker + "\"")
                    .containsPattern("jvm_memory_used_bytes\\{.*worker=\"" + worker + "\"")
                    .doesNotContain("weir_task_records_in_total{job=\"" + JOB + "\",subtask=\"" + (1 - worker));
            String sourceName = vertex(graph, true).path("name").asText();
            int subtask = worker;
            double before = WorkerMetricsEndpoint.value(first, "weir_task_records_out_total", JOB, sourceName, subtask,
                    worker).orElseThrow();
            awaitTrue(() -> WorkerMetricsEndpoint.value(metrics.scrape(), "weir_task_records_out_total", JOB, sourceName,
                    subtask, worker).orElseThrow() > before, "records out of " + sourceName + " move on worker " + worker
                    + " beyond " + before);
        }
    }

    private static boolean everySubtaskReported(JsonNode overview) {
        JsonNode vertices = overview.path("graph").path("vertices");
        if (vertices.isMissingNode() || vertices.isEmpty()) {
            return false;
        }
        for (JsonNode vertex : vertices) {
            if (vertex.path("subtasks").size() != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        for (JsonNode vertex : vertices) {
            if (vertex.path("watermark").isNull()) {
                return false;
            }
        }
        // Rates need two heartbeats of every subtask; the source's shows once it emitted.
        return vertex(overview.path("graph"), true).path("recordsOutPerSecond").asDouble() > 0;
    }

    private static JsonNode vertex(JsonNode graph, boolean source) {
        for (JsonNode vertex : graph.path("vertices")) {
            if (vertex.path("source").asBoolean() == source) {
                return vertex;
            }
        }
        throw new AssertionError("no " + (source ? "source" : "non-source") + " vertex in " + graph);
    }

    private JsonNode awaitOverview(URI job, Predicate<JsonNode> ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(job);
            if (ready.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("overview not ready within 120 s: " + last);
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private record Cli(int code, String out, String err) {}

    private static Cli weir(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WeirCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** windowed-count, rate-limited and far from its end: it runs until the test stops it. */
    private Path manifest(Path output) throws IOException {
        Path manifest = dir.resolve(JOB + ".yaml");
        Files.writeString(manifest, """
                apiVersion: weir.dev/v1alpha1
                kind: StreamJob
                metadata:
                  name: %s
                spec:
                  job:
                    className: dev.weir.testing.ChaosWindowedCountJob
                    parallelism: 2
                    args:
                      records: "100000000"
                      keys: "100"
                      rate: "5000"
                      output: %s
                  checkpointing:
                    intervalMs: 500
                """.formatted(JOB, output));
        return manifest;
    }
}
