package dev.weir.operator;

import static dev.weir.operator.OperatorEndToEndIT.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.api.JobPhase;
import dev.weir.api.SavepointInfo;
import dev.weir.api.SavepointTriggerType;
import dev.weir.api.StreamJobSpec;
import dev.weir.coordinator.rest.DashboardPage;
import dev.weir.coordinator.rest.HeadlessChromium;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The dashboard the operator serves, in a real browser, on a StreamJob the real reconciler runs
 * (mock API server in CRUD mode, worker pods as real processes): the page lists the job, shows its
 * graph with records flowing and a completed checkpoint; its Savepoint button produces the savepoint
 * that status.savepointHistory records, and its Stop button suspends the job through the StreamJob.
 * Each worker pod serves its own metrics where its scrape annotations say.
 */
class OperatorDashboardIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void showsTheStreamJobTakesASavepointIntoItsStatusAndSuspendsIt() throws Exception {
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, loopback(0))) {
            // Paced so that it runs until the page stops it.
            fixture.keyedCount("counts", 1_000_000_000, 300, 2_000, dir.resolve("out"),
                    job -> job.getSpec().getCheckpointing().setIntervalMs(500));
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Running
                    && fixture.status("counts").getLastCheckpoint() != null, Duration.ofMinutes(3));
            String job = OperatorTestEnv.NAMESPACE + ".counts";
            URI endpoint = operator.server.baseUri().resolve("/");
            Set<String> vertices = vertexNames(endpoint, job);

            ChromeDriver browser = HeadlessChromium.start(1400, 1250);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(200));
                wait.ignoring(StaleElementReferenceException.class);
                browser.get(endpoint + "#job=" + job + "&token=" + fixture.token("counts"));
                wait.withMessage("the page takes the token off the address bar")
                        .until(b -> !b.getCurrentUrl().contains("token"));
                Select jobs = new Select(browser.findElement(By.id("job-select")));
                wait.withMessage("the StreamJob in the job list").until(b -> jobs.getOptions().stream()
                        .map(WebElement::getText).toList().contains(job));
                wait.withMessage(() -> "every vertex of " + vertices + " with records flowing")
                        .until(b -> vertices.equals(DashboardPage.shownVertices(browser))
                                && DashboardPage.everyVertexMovesRecords(browser));
                // The page redraws boxes and table on every poll: read them inside waits, which retry.
                wait.withMessage("parallelism 2 in every box").until(b -> b.findElements(
                        By.cssSelector(".vertex .vertex-parallelism")).stream().allMatch(p -> p.getText().equals("2")));
                assertWorkerPodsServeTheirMetricsWhereTheirAnnotationsSay(fixture, job);
                wait.withMessage("a completed checkpoint in the table").until(b -> b.findElement(
                        DashboardPage.checkpointRow("CHECKPOINT", "COMPLETED")).getText().contains("/checkpoints/chk-"));
                assertThat(browser.findElement(By.id("job-state")).getText()).isEqualTo("RUNNING");

                browser.findElement(By.id("savepoint")).click();
                wait.withMessage("the savepoint's message").until(b -> b.findElement(By.id("message")).getText()
                        .matches("Savepoint \\d+ of " + job + " completed .*/savepoints/sp-\\d+"));
                String message = browser.findElement(By.id("message")).getText();
                String location = message.substring(message.lastIndexOf(' ') + 1);
                fixture.await("counts", () -> !fixture.status("counts").getSavepointHistory().isEmpty(),
                        Duration.ofSeconds(30));
                SavepointInfo recorded = fixture.status("counts").getSavepointHistory().get(0);
                assertThat(recorded.getPath()).as("the savepoint the page showed is the one status records")
                        .isEqualTo(location);
                assertThat(recorded.getTriggerType()).isEqualTo(SavepointTriggerType.MANUAL);
                wait.withMessage("the savepoint in the table").until(ExpectedConditions.presenceOfElementLocated(
                        DashboardPage.checkpointRow("SAVEPOINT", "COMPLETED")));
                assertThat(DashboardPage.consoleProblems(browser))
                        .as("script errors or Content-Security-Policy violations").isEmpty();
                DashboardPage.screenshot(browser, "operator-job.png");

                browser.findElement(By.id("stop")).click();
                wait.until(ExpectedConditions.alertIsPresent()).accept();
                wait.withMessage("the stop's message").until(b -> b.findElement(By.id("message")).getText()
                        .startsWith("Stopping " + job + " with a savepoint: "));
                assertThat(fixture.env.get("counts").getSpec().getState()).isEqualTo(StreamJobSpec.STATE_SUSPENDED);
                fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Suspended,
                        Duration.ofSeconds(60));
                List<SavepointInfo> history = fixture.status("counts").getSavepointHistory();
                assertThat(history.get(0).getTriggerType()).as(Serialization.asJson(history))
                        .isEqualTo(SavepointTriggerType.SUSPEND);
                assertThat(history).as(Serialization.asJson(history)).anySatisfy(s ->
                        assertThat(s.getPath()).isEqualTo(location));
            } finally {
                DashboardPage.screenshot(browser, "operator-last.png");
                browser.quit();
            }
        }
    }

    /**
     * Prometheus's view of the worker pods: each pod's annotations name the port, path and scheme on
     * its IP where its worker serves its own subtasks' series (worker i runs subtask i).
     */
    private static void assertWorkerPodsServeTheirMetricsWhereTheirAnnotationsSay(EndToEndFixture fixture, String job)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (Pod pod : fixture.env.pods("counts")) {
            Map<String, String> annotations = pod.getMetadata().getAnnotations();
            assertThat(annotations).containsEntry("prometheus.io/scrape", "true");
            String worker = pod.getMetadata().getLabels().get(ResourceNames.WORKER_LABEL);
            URI metrics = URI.create(annotations.get("prometheus.io/scheme") + "://" + pod.getStatus().getPodIP() + ":"
                    + annotations.get("prometheus.io/port") + annotations.get("prometheus.io/path"));
            Pattern records = Pattern.compile("weir_task_records_in_total\\{job=\"" + Pattern.quote(job)
                    + "\",subtask=\"" + worker + "\",task=\"[^\"]+\",worker=\"" + worker + "\",\\} [1-9]");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String last = null;
            while (last == null || !records.matcher(last).find()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no records of worker " + worker + " at " + metrics + "; last: " + last);
                }
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() == 200 ? response.body() : "HTTP " + response.statusCode();
                Thread.sleep(200);
            }
            assertThat(last).contains("jvm_memory_used_bytes{");
        }
    }

    /** The vertices of the job's graph, as the REST API lists them once every worker registered. */
    private static Set<String> vertexNames(URI endpoint, String job) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/v1/jobs/" + job))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode graph = JSON.readTree(response.body()).path("graph");
            if (graph.path("vertices").size() > 0) {
                return StreamSupport.stream(graph.path("vertices").spliterator(), false)
                        .map(v -> v.path("name").asText()).collect(Collectors.toSet());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the REST API shows no graph of " + job + " within 60 s");
    }
}
