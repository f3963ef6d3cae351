package dev.weir.operator;

import static dev.weir.operator.OperatorEndToEndIT.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.WeirCommand;
import dev.weir.api.JobPhase;
import dev.weir.api.SavepointInfo;
import dev.weir.api.SavepointTriggerType;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;

/**
 * The REST API's actions on a job the operator runs (issue 15 §4: a savepoint taken and a job stopped
 * from the REST API and the CLI on a cluster): they go through the StreamJob as a kubectl patch would
 * (spec.savepointNonce, spec.state), so status records them as any other; cancel stays refused with
 * the kubectl command that does it.
 */
class OperatorRestActionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aSavepointAndAStopFromTheRestApiAndTheCliGoThroughTheStreamJob() throws Exception {
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, loopback(0))) {
            fixture.gatedKeyedCount("counts", 150_000, 300, 12_000, 50_000, dir.resolve("gate"), dir.resolve("out"));
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Running
                    && fixture.status("counts").getLastCheckpoint() != null, Duration.ofSeconds(60));
            String job = OperatorTestEnv.NAMESPACE + ".counts";
            URI base = operator.server.baseUri();
            String token = fixture.token("counts");

            HttpResponse<String> savepoint = post(base.resolve("/v1/jobs/" + job + "/savepoints"), token);
            assertThat(savepoint.statusCode()).as(savepoint.body()).isEqualTo(200);
            String path = JSON.readTree(savepoint.body()).path("location").asText();
            assertThat(path).contains("/savepoints/sp-");
            assertThat(spec(fixture).getSavepointNonce()).isEqualTo(1);
            fixture.await("counts", () -> history(fixture).size() == 1, Duration.ofSeconds(30));
            SavepointInfo recorded = history(fixture).get(0);
            assertThat(recorded.getPath()).as("the savepoint the API answered is the one status records").isEqualTo(path);
            assertThat(recorded.getTriggerType()).isEqualTo(SavepointTriggerType.MANUAL);
            assertThat(recorded.getTriggerNonce()).isEqualTo(1L);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = WeirCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8))
                    .execute("savepoint", job, "--url", base.toString(), "--token", token);
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(spec(fixture).getSavepointNonce()).isEqualTo(2);
            fixture.await("counts", () -> history(fixture).size() == 2, Duration.ofSeconds(30));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains(history(fixture).get(0).getPath());

            HttpResponse<String> cancel = post(base.resolve("/v1/jobs/" + job + "/cancel"), token);
            assertThat(cancel.statusCode()).isEqualTo(409);
            assertThat(cancel.body()).contains("kubectl delete streamjob -n " + OperatorTestEnv.NAMESPACE + " counts");
            HttpResponse<String> unauthorized = post(base.resolve("/v1/jobs/" + job + "/stop"), "not-the-token");
            assertThat(unauthorized.statusCode()).isNotEqualTo(202);
            assertThat(spec(fixture).getState()).isEqualTo(StreamJobSpec.STATE_RUNNING);

            HttpResponse<String> stop = post(base.resolve("/v1/jobs/" + job + "/stop"), token);
            assertThat(stop.statusCode()).as(stop.body()).isEqualTo(202);
            assertThat(spec(fixture).getState()).isEqualTo(StreamJobSpec.STATE_SUSPENDED);
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Suspended,
                    Duration.ofSeconds(60));
            assertThat(history(fixture)).hasSize(3);
            assertThat(history(fixture).get(0).getTriggerType()).isEqualTo(SavepointTriggerType.SUSPEND);
        }
    }

    private static HttpResponse<String> post(URI uri, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static StreamJobSpec spec(EndToEndFixture fixture) {
        return fixture.env.client.resources(StreamJob.class).inNamespace(OperatorTestEnv.NAMESPACE).withName("counts")
                .get().getSpec();
    }

    private static List<SavepointInfo> history(EndToEndFixture fixture) {
        return fixture.status("counts").getSavepointHistory();
    }
}
