package dev.weir.runtime.worker.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;

import dev.weir.runtime.worker.protocol.ControlPlaneJson;

/**
 * One incoming control-plane request, with the checks every route needs (method, token, JSON
 * body). The body is read only when a route asks for it, which routes do after {@link #authorize}:
 * a caller without the token never gets a body read, let alone parsed.
 */
public final class ControlRequest {

    private static final Logger LOG = LoggerFactory.getLogger(ControlRequest.class);

    private final Request request;
    private final int maxBodyBytes;

    ControlRequest(Request request, int maxBodyBytes) {
        this.request = request;
        this.maxBodyBytes = maxBodyBytes;
    }

    public String method() {
        return request.getMethod();
    }

    /** The path as sent (still percent-encoded), safe to log. */
    public String rawPath() {
        String path = request.getHttpURI().getPath();
        return path == null ? "" : path;
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
        return String.valueOf(request.getConnectionMetaData().getRemoteSocketAddress());
    }

    public void requireMethod(String method) {
        if (!method.equals(method())) {
            throw new HttpStatusException(405, rawPath() + " does not accept " + method() + "; use " + method);
        }
    }

    /** Whether the request presents {@code token}, without answering or logging anything. */
    public boolean presents(BearerToken token) {
        return token.isPresentedBy(request.getHeaders().get("Authorization"));
    }

    /**
     * Rejects the request with 401 unless it presents {@code token}. The warning names the caller
     * and the path but neither the expected nor the presented token.
     */
    public void authorize(BearerToken token) {
        if (presents(token)) {
            return;
        }
        throw unauthorized(401, "bearer token", true);
    }

    /**
     * The refusal for a request without an acceptable token: {@code status} with "missing" or
     * "invalid" before {@code what}, and a log line naming the caller and the path (WARN, or DEBUG
     * where the refusal is expected, such as workers reporting to a coordinator that has not yet
     * taken their job over).
     */
    public HttpStatusException unauthorized(int status, String what, boolean warn) {
        String problem = request.getHeaders().get("Authorization") == null ? "missing" : "invalid";
        if (warn) {
            LOG.warn("rejected {} {} from {}: {} {}", method(), rawPath(), remoteAddress(), problem, what);
        } else {
            LOG.debug("rejected {} {} from {}: {} {}", method(), rawPath(), remoteAddress(), problem, what);
        }
        return new HttpStatusException(status, problem + " " + what);
    }

    public <T> T body(Class<T> type) {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw new HttpStatusException(413, "request body of " + declared + " bytes; at most " + maxBodyBytes);
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw new HttpStatusException(413, "request body over " + maxBodyBytes + " bytes");
            }
            return ControlPlaneJson.read(body, type);
        } catch (JacksonException e) {
            throw HttpStatusException.badRequest("malformed " + type.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new HttpStatusException(400, "cannot read request body: " + e.getMessage());
        }
    }
}
