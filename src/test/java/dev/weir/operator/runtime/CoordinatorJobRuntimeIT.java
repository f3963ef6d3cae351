package dev.weir.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.local.EmbeddedS3Server;
import dev.weir.operator.JobKey;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.testing.ScriptedWorker;
import dev.weir.testing.Topologies;

/**
 * The real runtime against S3Proxy and two scripted workers on the real control plane: how it
 * takes over running workers (they register again when their heartbeats reach it) and how it lets
 * go of them.
 */
class CoordinatorJobRuntimeIT {

    private static final String TOKEN = "token-of-the-job";
    private static final JobKey JOB = new JobKey("jobs", "counts");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedS3Server s3;
    private CoordinatorServer server;
    private CoordinatorJobRuntime runtime;
    private ScriptedWorker w0;
    private ScriptedWorker w1;

    @BeforeEach
    void start() throws Exception {
        s3 = EmbeddedS3Server.startInMemory();
        new S3ObjectStore(s3.settings("weir")).ensureBucket();
        server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        runtime = new CoordinatorJobRuntime(server, server.baseUri().toString());
        w0 = worker(0);
        w1 = worker(1);
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        server.close();
        w0.close();
        w1.close();
        s3.close();
    }

    @Test
    void reattachedCoordinatorWaitsForEveryWorkerAndContinuesAboveTheIdsTheyReport() throws Exception {
        runtime.ensureAttempt(plan(), Set.of());
        w0.register();
        w1.register();
        runtime.detachAll();

        runtime.ensureAttempt(plan(), Set.of(0, 1));
        w0.triggeredBefore(41).heartbeat();
        assertThat(runtime.observe(JOB, 1).registeredWorkers()).as("registered again after its heartbeat").isEqualTo(1);
        assertThat(w0.next(1_000)).as("no checkpoint before every worker was heard").isNull();
        w1.triggeredBefore(39).heartbeat();

        assertThat(w0.next(10_000)).isEqualTo("trigger 42");
        assertThat(w1.next(10_000)).isEqualTo("trigger 42");
    }

    @Test
    void detachingLeavesTheWorkersAloneWhileStoppingCancelsThem() throws Exception {
        runtime.ensureAttempt(plan(), Set.of());
        w0.register().heartbeat();
        w1.register().heartbeat();
        assertThat(w0.next(10_000)).isEqualTo("trigger 1");
        assertThat(w1.next(10_000)).isEqualTo("trigger 1");

        runtime.detachAll();
        assertThat(runtime.observe(JOB, 1).hosted()).isFalse();
        // Checkpoint 1 is still pending (nobody acknowledges here): a detaching coordinator neither aborts it nor cancels.
        assertThat(w0.next(2_000)).isNull();
        assertThat(w1.next(0)).isNull();

        runtime.ensureAttempt(plan(), Set.of(0, 1));
        w0.heartbeat();
        w1.heartbeat();
        assertThat(w0.next(10_000)).isEqualTo("trigger 2");
        assertThat(w1.next(10_000)).isEqualTo("trigger 2");
        runtime.stopAttempt(JOB);
        assertThat(w0.await("cancel")).isEqualTo("cancel");
        assertThat(w1.await("cancel")).isEqualTo("cancel");
    }

    @Test
    void theRestApiShowsTheHostedJobAndPointsItsActionsToTheStreamJobResource() throws Exception {
        runtime.ensureAttempt(plan(), Set.of());
        w0.autoAcknowledge(true).register().heartbeat();
        w1.autoAcknowledge(true).register().heartbeat();
        URI job = URI.create(server.baseUri() + "/v1/jobs/" + JOB.coordinatorJobName());

        JsonNode overview = awaitOverview(job, o -> o.path("state").asText().equals("RUNNING")
                && o.path("checkpoints").path("completed").asLong() >= 1);
        assertThat(overview.path("name").asText()).isEqualTo("jobs.counts");
        assertThat(overview.path("attempt").asLong()).isEqualTo(1);
        assertThat(overview.path("graph").path("vertices")).hasSize(Topologies.keyedCount(2).vertices().size());
        assertThat(overview.path("graph").path("edges")).isNotEmpty();
        assertThat(overview.path("checkpoints").path("latestCompleted").path("location").asText())
                .contains("weir/jobs/counts/checkpoints/chk-");
        assertThat(JSON.readTree(send(HttpRequest.newBuilder(URI.create(job + "/checkpoints")).GET()).body())
                .path("checkpoints")).anySatisfy(c -> assertThat(c.path("status").asText()).isEqualTo("COMPLETED"));
        assertThat(send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/metrics")).GET()).body())
                .containsPattern("weir_checkpoints_completed_total\\{job=\"jobs.counts\",} [1-9]");

        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(job + "/stop"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> savepoint = send(HttpRequest.newBuilder(URI.create(job + "/savepoints"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(savepoint.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(savepoint.body()).path("error").asText())
                .contains("StreamJob jobs/counts runs on Kubernetes", "spec.savepointNonce", "kubectl patch streamjob -n jobs counts");

        runtime.stopAttempt(JOB);
        assertThat(send(HttpRequest.newBuilder(job).GET()).statusCode()).as("no longer hosted").isEqualTo(404);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode awaitOverview(URI job, java.util.function.Predicate<JsonNode> ready) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(job).GET());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            last = JSON.readTree(response.body());
            if (ready.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("overview not ready within 60 s: " + last);
    }

    private AttemptPlan plan() {
        CheckpointConfig checkpoints = new CheckpointConfig(100, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 2, 3);
        return new AttemptPlan(JOB, 1, 2, 128, checkpoints, Duration.ofSeconds(30),
                new StorageAccess(s3.settings("weir"), "weir/jobs/counts"), TOKEN, null);
    }

    /** A worker whose tasks run (its heartbeats say so): checkpoints start once every worker's do. */
    private ScriptedWorker worker(int index) throws Exception {
        return new ScriptedWorker(server.baseUri(), TOKEN, JOB.coordinatorJobName(), 1, index, Topologies.keyedCount(2))
                .tasksRunning(false);
    }
}
