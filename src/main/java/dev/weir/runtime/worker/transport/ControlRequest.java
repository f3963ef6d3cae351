package dev.weir.runtime.worker.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;
import com.sun.net.httpserver.HttpExchange;

import dev.weir.runtime.worker.protocol.ControlPlaneJson;

/** One incoming control-plane request, with the checks every route needs (method, token, JSON body). */
public final class ControlRequest {

    private static final Logger LOG = LoggerFactory.getLogger(ControlRequest.class);

    private final HttpExchange exchange;

    ControlRequest(HttpExchange exchange) {
        this.exchange = exchange;
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** The path as sent (still percent-encoded), safe to log. */
    public String rawPath() {
        return exchange.getRequestURI().getRawPath();
    }

    /**
     * The decoded path segments, without the leading empty one. Split before decoding so that an
     * encoded '/' inside a job name stays inside its segment.
     */
    public List<String> pathSegments() {
        String raw = rawPath();
        String trimmed = raw.startsWith("/") ? raw.substring(1) : raw;
        return Arrays.stream(trimmed.split("/", -1))
                .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8))
                .toList();
    }

    public String remoteAddress() {
        return String.valueOf(exchange.getRemoteAddress());
    }

    public void requireMethod(String method) {
        if (!method.equals(method())) {
            throw new HttpStatusException(405, rawPath() + " does not accept " + method() + "; use " + method);
        }
    }

    /**
     * Rejects the request with 401 unless it presents {@code token}. The warning names the caller
     * and the path but neither the expected nor the presented token.
     */
    public void authorize(BearerToken token) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (token.isPresentedBy(header)) {
            return;
        }
        String problem = header == null ? "missing" : "invalid";
        LOG.warn("rejected {} {} from {}: {} bearer token", method(), rawPath(), remoteAddress(), problem);
        throw new HttpStatusException(401, problem + " bearer token");
    }

    public <T> T body(Class<T> type) {
        try (InputStream in = exchange.getRequestBody()) {
            return ControlPlaneJson.read(in, type);
        } catch (JacksonException e) {
            throw HttpStatusException.badRequest("malformed " + type.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new HttpStatusException(400, "cannot read request body: " + e.getMessage());
        }
    }
}
