package dev.weir.cli.jobs;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code weir} commands' client of a coordinator's REST API (docs/rest-api.md): JSON in, a
 * {@link JobApiException} with the server's own message out when a call fails.
 */
final class JobApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A savepoint may take minutes; the server answers 504 itself after ten. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(11);

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /** @param token what actions present as a bearer token; null for reads only */
    JobApiClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    JsonNode get(String path) throws JobApiException {
        return call(HttpRequest.newBuilder(resolve(path)).GET(), path);
    }

    JsonNode post(String path) throws JobApiException {
        if (token == null) {
            throw new JobApiException("no token for " + base + ": pass --token (or set WEIR_REST_TOKEN), or --state-dir"
                    + " of the weir local that runs the job");
        }
        return call(HttpRequest.newBuilder(resolve(path)).POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token), path);
    }

    static String jobPath(String job, String... rest) {
        StringBuilder path = new StringBuilder("/v1/jobs/").append(URLEncoder.encode(job, StandardCharsets.UTF_8)
                .replace("+", "%20"));
        for (String segment : rest) {
            path.append('/').append(segment);
        }
        return path.toString();
    }

    private URI resolve(String path) {
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        return URI.create(root + path);
    }

    private JsonNode call(HttpRequest.Builder request, String path) throws JobApiException {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(CALL_TIMEOUT).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new JobApiException("nothing answers at " + base + " (has the job ended?)");
        } catch (IOException e) {
            throw new JobApiException("cannot reach " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobApiException("interrupted");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            String message = body != null && body.hasNonNull("error") ? body.get("error").asText() : response.body();
            throw new JobApiException(message + " (HTTP " + response.statusCode() + " from " + path + ")");
        }
        return body;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** A call that failed, with the message to show the user. */
    static final class JobApiException extends Exception {
        JobApiException(String message) {
            super(message);
        }
    }
}
