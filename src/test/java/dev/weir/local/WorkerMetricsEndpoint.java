package dev.weir.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus endpoint of one worker process of a {@code weir local} job, found where a user
 * finds it: the address the worker logs ({@code <state-dir>/logs/<job>/attempt-<n>/worker-<i>.log}).
 */
record WorkerMetricsEndpoint(URI uri) {

    private static final Pattern ADDRESS = Pattern.compile("Prometheus metrics at (http://\\S+/metrics)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The endpoint worker {@code worker} of attempt {@code attempt} logged; fails when its log names none. */
    static WorkerMetricsEndpoint of(Path stateDir, String job, long attempt, int worker) throws IOException {
        Path log = stateDir.resolve("logs").resolve(job).resolve("attempt-" + attempt).resolve("worker-" + worker + ".log");
        Matcher m = ADDRESS.matcher(Files.readString(log));
        if (!m.find()) {
            throw new AssertionError("no metrics address in " + log);
        }
        return new WorkerMetricsEndpoint(URI.create(m.group(1)));
    }

    /** {@code GET /metrics}: the Prometheus text, which must come with 200. */
    String scrape() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + uri + ": " + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot scrape " + uri, e);
        }
    }

    /** The value of the series {@code name{job,subtask,task,worker}} in {@code scrape}; empty if absent. */
    static OptionalDouble value(String scrape, String name, String job, String task, int subtask, int worker) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{job=\"" + Pattern.quote(job) + "\",subtask=\"" + subtask
                + "\",task=\"" + Pattern.quote(task) + "\",worker=\"" + worker + "\",\\} (\\S+)$").matcher(scrape);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }
}
