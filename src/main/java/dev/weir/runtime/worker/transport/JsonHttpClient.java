package dev.weir.runtime.worker.transport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.worker.protocol.ControlPlaneJson;
import dev.weir.runtime.worker.protocol.ErrorBody;

/**
 * JSON over HTTP to one control-plane peer, with the job token in the Authorization header only.
 * Requests that do not reach the peer (refused, reset, timed out) or find it overloaded (503) are
 * retried a bounded number of times with a doubling backoff; an answer with any other error status
 * is final. Callers retry only requests whose repetition is harmless (the control-plane messages are).
 */
public final class JsonHttpClient {

    private static final Logger LOG = LoggerFactory.getLogger(JsonHttpClient.class);

    /**
     * @param maxAttempts   tries per request, at least 1
     * @param firstBackoff  pause before the second try; doubles for each further try
     */
    public record Settings(Duration connectTimeout, Duration requestTimeout, int maxAttempts, Duration firstBackoff) {

        public Settings {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }

        /** Worker → coordinator: a coordinator busy with a checkpoint gets a couple of seconds to answer. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 4, Duration.ofMillis(100));
        }

        /** The same timeouts, one try: for messages that are repeated anyway (heartbeats). */
        public Settings once() {
            return new Settings(connectTimeout, requestTimeout, 1, firstBackoff);
        }

        /** The same timeouts, {@code attempts} tries: for messages the receiver takes once however often they come. */
        public Settings withAttempts(int attempts) {
            return new Settings(connectTimeout, requestTimeout, attempts, firstBackoff);
        }
    }

    private final HttpClient http;
    private final BearerToken token;
    private final Settings settings;

    public JsonHttpClient(BearerToken token, Settings settings) {
        this(token, settings, null);
    }

    /** @param tls mutual TLS for {@code https://} URIs (this process's certificate and the job's CA); null: plain HTTP only */
    public JsonHttpClient(BearerToken token, Settings settings, TransportTls tls) {
        this.token = token;
        this.settings = settings;
        // HTTP/1.1: the control servers do not speak h2c, so the upgrade attempt would be wasted.
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout());
        if (tls != null) {
            builder.sslContext(tls.context()).sslParameters(tls.clientParameters());
        }
        this.http = builder.build();
    }

    /** POSTs {@code body} (may be null for an empty request) and reads the answer as {@code responseType} (Void: ignore). */
    public <T> T post(URI uri, Object body, Class<T> responseType) throws ControlPlaneException {
        return post(uri, body, responseType, settings);
    }

    /**
     * POSTs with other timeouts and tries than this client's ({@code settings}' connect timeout is
     * the client's, fixed when it was built), on the same connections.
     */
    public <T> T post(URI uri, Object body, Class<T> responseType, Settings settings) throws ControlPlaneException {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(ControlPlaneJson.write(body));
        return send(request(uri, settings).POST(publisher).build(), responseType, settings);
    }

    public <T> T get(URI uri, Class<T> responseType) throws ControlPlaneException {
        return send(request(uri, settings).GET().build(), responseType, settings);
    }

    /**
     * Opens a connection to {@code uri}'s server in the background with a GET of {@code uri}
     * (which should need no token and change nothing), so that the next call finds it open: under
     * TLS the first handshake of a cold JVM can take seconds on a busy machine. Failures are only
     * logged: the next real call connects again.
     */
    public void connectInBackground(URI uri) {
        http.sendAsync(HttpRequest.newBuilder(uri).timeout(settings.requestTimeout()).GET().build(),
                HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                    if (failure != null) {
                        LOG.debug("connecting to {} ahead of time failed: {}", uri, failure.toString());
                    }
                });
    }

    private HttpRequest.Builder request(URI uri, Settings settings) {
        return HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Authorization", token.authorizationHeader());
    }

    private <T> T send(HttpRequest request, Class<T> responseType, Settings settings) throws ControlPlaneException {
        String what = request.method() + " " + request.uri();
        long backoff = settings.firstBackoff().toMillis();
        ControlPlaneException last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            if (attempt > 1) {
                LOG.debug("{}: try {} of {} after {}", what, attempt, settings.maxAttempts(), last.getMessage());
                sleep(backoff, what);
                backoff *= 2;
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                last = new ControlPlaneException(ControlPlaneException.UNREACHABLE,
                        what + " failed: " + e, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ControlPlaneException(ControlPlaneException.UNREACHABLE, what + " interrupted", e);
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                return read(response, responseType, what);
            }
            last = new ControlPlaneException(status, describeError(what, status, response.body()), null);
            if (status != 503) {
                throw last;
            }
        }
        throw last;
    }

    private static <T> T read(HttpResponse<byte[]> response, Class<T> type, String what) throws ControlPlaneException {
        if (type == Void.class || response.body().length == 0) {
            // 204: nothing to read (an older peer may answer so where a newer one sends a body)
            return null;
        }
        try {
            return ControlPlaneJson.read(response.body(), type);
        } catch (IOException e) {
            throw new ControlPlaneException(response.statusCode(),
                    what + " returned an unreadable " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static String describeError(String what, int status, byte[] body) {
        String reason;
        try {
            reason = ControlPlaneJson.read(body, ErrorBody.class).error();
        } catch (IOException | RuntimeException e) {
            reason = "no error body";
        }
        String hint = switch (status) {
            case 401 -> " (the job token was not accepted; check the job's control-token Secret)";
            case 404 -> " (the peer does not serve this job, or did not accept the job token)";
            default -> "";
        };
        return what + " was rejected with HTTP " + status + ": " + reason + hint;
    }

    private static void sleep(long millis, String what) throws ControlPlaneException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlPlaneException(ControlPlaneException.UNREACHABLE, what + " interrupted", e);
        }
    }
}
