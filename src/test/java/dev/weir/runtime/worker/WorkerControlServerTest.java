package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.worker.protocol.ControlPlaneJson;
import dev.weir.runtime.worker.protocol.ErrorBody;

class WorkerControlServerTest {

    private static final String TOKEN = "s3cr3t-job-token-7f1c";
    private static final String WRONG = "guessed-token-0000";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final RecordingWorkerHandler handler = new RecordingWorkerHandler();
    private WorkerControlServer server;

    @BeforeEach
    void start() throws IOException {
        server = WorkerControlServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, handler);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyRouteReachesTheHandler() throws Exception {
        assertThat(post("/v1/checkpoints/trigger", "{\"checkpointId\":4,\"timestamp\":99,\"type\":\"CHECKPOINT\"}", TOKEN)
                .statusCode()).isEqualTo(204);
        assertThat(post("/v1/checkpoints/complete", "{\"checkpointId\":4}", TOKEN).statusCode()).isEqualTo(204);
        assertThat(post("/v1/checkpoints/abort", "{\"checkpointId\":5}", TOKEN).statusCode()).isEqualTo(204);
        assertThat(post("/v1/finish", "", TOKEN).statusCode()).isEqualTo(204);
        assertThat(post("/v1/cancel", "", TOKEN).statusCode()).isEqualTo(204);

        assertThat(handler.calls).containsExactly("trigger 4 99 CHECKPOINT", "complete 4", "abort 5", "finish", "cancel");
    }

    @Test
    void wrongTokenIsRejectedWithoutReachingTheHandler() throws Exception {
        HttpResponse<String> response = post("/v1/cancel", "", WRONG);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(ControlPlaneJson.read(response.body().getBytes(), ErrorBody.class).error()).contains("invalid");
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void missingTokenIsRejected() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/checkpoints/complete"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"checkpointId\":1}")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("missing");
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void prometheusMetricsNeedNoTokenOnceServed() throws Exception {
        assertThat(send(HttpRequest.newBuilder(uri("/metrics")).GET()).statusCode()).as("before they are served")
                .isEqualTo(404);
        server.serveMetrics(() -> "weir_task_records_in_total 3.0\n");

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/metrics")).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body()).isEqualTo("weir_task_records_in_total 3.0\n");
        assertThat(post("/metrics", "", TOKEN).statusCode()).as("read only").isEqualTo(405);
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void healthNeedsNoToken() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/health")).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("UP");
    }

    @Test
    void rejectionsAreLoggedWithTheCallerButNeverWithATokenValue() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            post("/v1/finish", "", WRONG);
            send(HttpRequest.newBuilder(uri("/v1/finish")).POST(HttpRequest.BodyPublishers.noBody()));
            post("/v1/finish", "", TOKEN);

            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains("/v1/finish")
                    && l.contains("127.0.0.1")).hasSize(2);
            assertThat(logs.lines()).noneMatch(l -> l.contains(TOKEN) || l.contains(WRONG));
        }
    }

    @Test
    void handlerFailureIsA500WithItsMessage() throws Exception {
        handler.failWith = new IllegalStateException("no source tasks on this worker");

        HttpResponse<String> response = post("/v1/checkpoints/trigger",
                "{\"checkpointId\":4,\"timestamp\":99,\"type\":\"CHECKPOINT\"}", TOKEN);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("no source tasks on this worker");
    }

    @Test
    void malformedBodyUnknownRouteAndWrongMethodAreClientErrors() throws Exception {
        assertThat(post("/v1/checkpoints/trigger", "{\"checkpointId\":", TOKEN).statusCode()).isEqualTo(400);
        assertThat(post("/v1/nothing-here", "", TOKEN).statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(uri("/v1/cancel")).header("Authorization", "Bearer " + TOKEN).GET())
                .statusCode()).isEqualTo(405);
        assertThat(handler.calls).isEmpty();
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return server.baseUri().resolve(path);
    }
}
