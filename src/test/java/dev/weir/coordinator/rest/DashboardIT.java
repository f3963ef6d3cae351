package dev.weir.coordinator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
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

import dev.weir.WeirCommand;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.metrics.SubtaskMetrics;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.local.WeirLocal;

/**
 * The dashboard in a real browser. On a running {@code weir local} job (worker processes, the
 * default): opened at the address {@code weir local} prints, it shows the job's graph with live
 * rates and a completed checkpoint; its buttons ask for the token when the address has none, take a
 * savepoint (which the REST API then lists) and stop the job with a savepoint, which the job's own
 * summary confirms. Served as the operator serves its jobs: the job list, and an action's refusal
 * shown as it came. Screenshots go to target/dashboard/.
 */
class DashboardIT {

    private static final String JOB = "keyed-count";
    private static final Pattern DASHBOARD = Pattern.compile("weir local: dashboard of " + JOB + " at (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void showsTheRunningJobsGraphAndCheckpointsTakesASavepointAndStopsTheJob() throws Exception {
        ChromeDriver browser = HeadlessChromium.start(1400, 1250);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> WeirLocal.run(new String[] {
                "--state-dir", dir.resolve("state").toString(), manifest().toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        try {
            URI dashboard = URI.create(printedDashboardUrl(err, run));
            assertThat(dashboard.getHost()).as("on loopback").isEqualTo("127.0.0.1");
            assertThat(dashboard.getRawFragment()).startsWith("job=" + JOB + "&token=");
            URI endpoint = dashboard.resolve("/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(200));
            wait.ignoring(StaleElementReferenceException.class);

            // Without the token in the address the buttons ask for it, and send nothing.
            browser.get(endpoint + "#job=" + JOB);
            wait.until(ExpectedConditions.elementToBeClickable(By.id("savepoint"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-form")));
            assertThat(browser.findElement(By.id("message")).getText()).contains("need its token");
            assertThat(checkpoints(endpoint)).noneMatch(c -> c.path("type").asText().equals("SAVEPOINT"));

            browser.get(dashboard.toString());
            wait.withMessage("the page takes the token off the address bar")
                    .until(b -> !b.getCurrentUrl().contains("token"));
            Set<String> vertices = vertexNames(endpoint);
            wait.withMessage(() -> "every vertex of " + vertices + " with records flowing; stderr: " + err)
                    .until(b -> vertices.equals(DashboardPage.shownVertices(browser))
                            && DashboardPage.everyVertexMovesRecords(browser));
            // The page redraws boxes and table on every poll: read them inside waits, which retry.
            wait.withMessage("every box: parallelism 2, a back-pressure level, no watermark (no event time)").until(b ->
                    b.findElements(By.cssSelector(".vertex")).stream().allMatch(box ->
                            box.findElement(By.cssSelector(".vertex-parallelism")).getText().equals("2")
                                    && List.of("OK", "LOW", "HIGH").contains(box.getDomAttribute("data-back-pressure"))
                                    && box.findElement(By.cssSelector(".vertex-watermark")).getText().equals("none")));
            wait.withMessage("a completed checkpoint in the table").until(b -> b.findElement(
                    DashboardPage.checkpointRow("CHECKPOINT", "COMPLETED")).getText().contains("/checkpoints/chk-"));
            assertThat(browser.findElement(By.id("job-state")).getText()).isEqualTo("RUNNING");
            // The boxes' figures are redrawn on every poll: read them inside a wait that retries.
            wait.withMessage("the generator cannot tell what it has not produced yet: pending unknown").until(b ->
                    b.findElement(By.cssSelector(".vertex[data-source='true'] .vertex-pending")).getText()
                            .equals("unknown"));
            assertThat(browser.findElements(By.cssSelector(".vertex[data-source='false'] .vertex-pending")))
                    .as("pending records are a source's").isEmpty();

            // A completed checkpoint's row opens every subtask's part of it.
            // The table is redrawn on every poll: find the row and click it in one go. The browser
            // clicks where the row was; a redraw in between (a newer checkpoint pushes the rows down)
            // puts another row there, which then opens instead: click again until a click lands.
            String checkpointId = wait.withMessage("a click on a completed checkpoint opens that checkpoint").until(b -> {
                        WebElement row = b.findElement(DashboardPage.checkpointRow("CHECKPOINT", "COMPLETED"));
                        String id = row.getDomAttribute("data-id");
                        row.click();
                        return b.findElement(By.id("checkpoint-details-title")).getText()
                                .equals("Checkpoint " + id + " per subtask") ? id : null;
                    });
            wait.withMessage("the checkpoint's subtasks").until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("checkpoint-details-section")));
            assertThat(browser.findElement(By.id("checkpoint-details-title")).getText())
                    .isEqualTo("Checkpoint " + checkpointId + " per subtask");
            List<WebElement> parts = browser.findElements(By.cssSelector("#checkpoint-details tr[data-task]"));
            assertThat(parts).extracting(r -> r.getDomAttribute("data-task") + "#" + r.getDomAttribute("data-subtask"))
                    .containsExactlyInAnyOrderElementsOf(vertices.stream()
                            .flatMap(v -> java.util.stream.Stream.of(v + "#0", v + "#1")).toList());
            JsonNode entry = checkpoints(endpoint).stream().filter(c -> c.path("id").asText().equals(checkpointId))
                    .findFirst().orElseThrow();
            for (WebElement part : parts) {
                JsonNode subtask = subtaskOf(entry, part.getDomAttribute("data-task"),
                        Integer.parseInt(part.getDomAttribute("data-subtask")));
                assertThat(part.getDomAttribute("data-state-size")).as("the REST API's figure")
                        .isEqualTo(subtask.path("stateSize").asText());
                assertThat(part.findElements(By.tagName("td"))).hasSize(8);
            }
            wait.withMessage("the selected row marked").until(b -> checkpointId.equals(
                    b.findElement(By.cssSelector("#checkpoints tr.selected")).getDomAttribute("data-id")));
            assertThat(browser.findElements(By.cssSelector("#throughput-chart canvas, #checkpoint-chart canvas")))
                    .as("both charts drawn").hasSize(2);

            browser.findElement(By.id("savepoint")).click();
            wait.withMessage("the savepoint's message").until(b -> b.findElement(By.id("message")).getText()
                    .matches("Savepoint \\d+ of " + JOB + " completed .*"));
            String message = browser.findElement(By.id("message")).getText();
            JsonNode savepoint = checkpoints(endpoint).stream()
                    .filter(c -> c.path("type").asText().equals("SAVEPOINT")).findFirst()
                    .orElseThrow(() -> new AssertionError("no savepoint in the REST API after: " + message));
            assertThat(savepoint.path("status").asText()).isEqualTo("COMPLETED");
            assertThat(savepoint.path("location").asText()).contains("/savepoints/sp-");
            assertThat(message).contains("Savepoint " + savepoint.path("id").asLong() + " ")
                    .endsWith(savepoint.path("location").asText());
            wait.withMessage("the savepoint in the table").until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#checkpoints tr[data-type='SAVEPOINT'][data-status='COMPLETED'][data-id='"
                            + savepoint.path("id").asLong() + "']")));
            assertThat(DashboardPage.consoleProblems(browser))
                    .as("script errors or Content-Security-Policy violations").isEmpty();
            DashboardPage.screenshot(browser, "dashboard.png");

            browser.findElement(By.id("stop")).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.withMessage("the stop's message").until(b -> b.findElement(By.id("message")).getText()
                    .startsWith("Stopping " + JOB + " with a savepoint: "));
            assertThat(run.get(60, TimeUnit.SECONDS)).as("stderr: %s", err).isZero();
            JsonNode summary = lastJsonLine(out.toString(StandardCharsets.UTF_8));
            assertThat(summary.path("state").asText()).isEqualTo("SUSPENDED");
            assertThat(summary.path("savepoint").path("path").asText()).contains("/savepoints/sp-")
                    .isNotEqualTo(savepoint.path("location").asText());
            wait.withMessage("the page notices the job's endpoint is gone").until(
                    ExpectedConditions.visibilityOfElementLocated(By.id("connection")));
        } finally {
            DashboardPage.screenshot(browser, "last.png");
            browser.quit();
            if (!run.isDone()) {
                WeirCommand.commandLine(System.out, System.err).execute("cancel", JOB, "--state-dir",
                        dir.resolve("state").toString());
                run.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Served as the operator serves its jobs: several of them, actions refused with the command
     * that takes them through the StreamJob. The page lists the jobs, shows the one picked and its
     * exceptions, asks for a token and shows the refusal as it came.
     */
    @Test
    void listsTheJobsAndShowsTheOperatorsRefusalOfAnAction() throws Exception {
        String refusal = "StreamJob jobs/b runs on Kubernetes: take a savepoint by changing spec.savepointNonce,"
                + " e.g. kubectl patch streamjob -n jobs b --type merge -p '{\"spec\":{\"savepointNonce\":<a new number>}}'";
        JobRestRoutes routes = new JobRestRoutes();
        routes.serve("jobs.a", new RefusingRestJob("jobs.a", "refused"), "token-a");
        routes.serve("jobs.b", new RefusingRestJob("jobs.b", refusal), "token-b");
        ChromeDriver browser = HeadlessChromium.start(1400, 1000);
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            server.serveRestApi(routes);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
            // The page redraws its boxes and rows on every refresh: an element read mid-redraw is read again.
            wait.ignoring(StaleElementReferenceException.class);
            browser.get(server.baseUri() + "/");
            wait.withMessage("the first job, picked when the address names none").until(b ->
                    b.getCurrentUrl().endsWith("#job=jobs.a"));
            Select jobs = new Select(browser.findElement(By.id("job-select")));
            wait.until(b -> jobs.getOptions().size() == 2);
            assertThat(jobs.getOptions()).extracting(WebElement::getText).containsExactly("jobs.a", "jobs.b");

            jobs.selectByVisibleText("jobs.b");
            wait.withMessage("the exception of jobs.b").until(b -> b.findElement(By.id("exceptions")).getText()
                    .contains("worker 1 of jobs.b lost"));
            assertThat(browser.findElement(By.id("exceptions")).getText()).contains("WorkerLost").contains("restarted");
            wait.withMessage("the source's pending records").until(b -> b.findElements(By.cssSelector(
                    ".vertex[data-vertex='kafka-source'] .vertex-pending")).stream().anyMatch(e -> e.getText().equals("1,500")));
            wait.until(ExpectedConditions.elementToBeClickable(By.id("savepoint"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input"))).sendKeys("token-b");
            browser.findElement(By.id("token-use")).click();
            browser.findElement(By.id("savepoint")).click();
            wait.withMessage("the refusal").until(b -> b.findElement(By.id("message")).getText().equals(refusal));
            assertThat(browser.findElement(By.id("message")).getDomAttribute("class")).isEqualTo("error");
            assertThat(browser.findElement(By.id("token-form")).isDisplayed()).isFalse();
        } finally {
            DashboardPage.screenshot(browser, "operator.png");
            browser.quit();
        }
    }

    /**
     * A job as the operator's REST API shows one that restarted once, a Kafka source 1,500 records
     * behind; it refuses every action.
     */
    private record RefusingRestJob(String name, String refusal) implements RestJob {

        @Override
        public JobOverview overview() {
            long now = System.currentTimeMillis();
            SubtaskMetrics subtask = new SubtaskMetrics("kafka-source", 0, 0, 60_000, 9_000, 9_000, 150, 150, 20, 0,
                    980, 1_200, 0, 58_800, null, null, 1_500L);
            JobOverview.Graph graph = new JobOverview.Graph(1, 128, List.of(new VertexView("kafka-source", 1, true,
                    List.of("kafka-source"), List.of("kafka-source"), List.of(), 9_000, 9_000, 150, 150, 20, 0, 980, null, null, 1_500L,
                    List.of(subtask))), List.of());
            return new JobOverview(name, "RUNNING", 2, 1, now - 60_000, 60_000, graph,
                    new JobOverview.CheckpointCounts(0, 0, 0, null, null, null),
                    List.of(new JobException(now - 30_000, 1, "WorkerLost", "worker 1 of " + name + " lost", true)));
        }

        @Override
        public List<CheckpointEntry> checkpoints() {
            return List.of();
        }

        @Override
        public CompletableFuture<CompletedCheckpointStats> triggerSavepoint() {
            throw new ActionRefused(refusal);
        }

        @Override
        public void stopWithSavepoint() {
            throw new ActionRefused(refusal);
        }

        @Override
        public void cancel() {
            throw new ActionRefused(refusal);
        }
    }

    private static String printedDashboardUrl(ByteArrayOutputStream err, CompletableFuture<Integer> run)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !run.isDone()) {
            Matcher m = DASHBOARD.matcher(err.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("weir local printed no dashboard address; stderr: " + err);
    }

    private static JsonNode subtaskOf(JsonNode checkpoint, String task, int subtask) {
        for (JsonNode t : checkpoint.path("tasks")) {
            for (JsonNode s : t.path("subtasks")) {
                if (t.path("name").asText().equals(task) && s.path("subtask").asInt() == subtask) {
                    return s;
                }
            }
        }
        throw new AssertionError("no " + task + "#" + subtask + " in " + checkpoint);
    }

    private Set<String> vertexNames(URI endpoint) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode graph = get(endpoint.resolve("/v1/jobs/" + JOB)).path("graph");
            if (graph.path("vertices").size() > 0) {
                return StreamSupport.stream(graph.path("vertices").spliterator(), false)
                        .map(v -> v.path("name").asText()).collect(Collectors.toSet());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the REST API shows no graph within 60 s");
    }

    private List<JsonNode> checkpoints(URI endpoint) throws Exception {
        return StreamSupport.stream(get(endpoint.resolve("/v1/jobs/" + JOB + "/checkpoints")).path("checkpoints")
                .spliterator(), false).toList();
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode lastJsonLine(String stdout) throws IOException {
        return JSON.readTree(stdout.strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    /** keyed-count, the README's example, paced so that it runs until the test stops it. */
    private Path manifest() {
        try {
            Path manifest = dir.resolve(JOB + ".yaml");
            Files.writeString(manifest, """
                    apiVersion: weir.dev/v1alpha1
                    kind: StreamJob
                    metadata:
                      name: %s
                    spec:
                      job:
                        className: dev.weir.examples.KeyedCountJob
                        parallelism: 2
                        args:
                          records: "100000000"
                          keys: "1000"
                          rate: "5000"
                          output: %s
                      checkpointing:
                        intervalMs: 500
                    """.formatted(JOB, dir.resolve("out")));
            return manifest;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
