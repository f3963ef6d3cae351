package dev.weir.runtime.worker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import dev.weir.runtime.worker.protocol.CheckpointNotification;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.transport.BearerToken;
import dev.weir.runtime.worker.transport.ControlHttpServer;
import dev.weir.runtime.worker.transport.ControlRequest;
import dev.weir.runtime.worker.transport.ControlResponse;
import dev.weir.runtime.worker.transport.ControlServerLimits;
import dev.weir.runtime.worker.transport.HttpStatusException;
import dev.weir.runtime.worker.transport.TextBody;

/**
 * The worker's control endpoint: the coordinator's commands arrive here and go to a
 * {@link WorkerControlHandler}. Everything but the health probe and the Prometheus metrics needs
 * the job's bearer token, because the port is reachable from anything in the pod network (the
 * metrics are figures, as the coordinator's reads are, and change nothing).
 */
public final class WorkerControlServer implements AutoCloseable {

    public static final String HEALTH = "/v1/health";
    public static final String TRIGGER = "/v1/checkpoints/trigger";
    public static final String COMPLETE = "/v1/checkpoints/complete";
    public static final String ABORT = "/v1/checkpoints/abort";
    public static final String FINISH = "/v1/finish";
    public static final String CANCEL = "/v1/cancel";
    public static final String METRICS = "/metrics";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final BearerToken token;
    private final WorkerControlHandler handler;
    private final ControlHttpServer server;
    private volatile Supplier<String> metrics;

    private WorkerControlServer(BearerToken token, WorkerControlHandler handler, InetSocketAddress bind,
                                ControlServerLimits limits, SSLContext tls) throws IOException {
        this.token = token;
        this.handler = handler;
        this.server = ControlHttpServer.start("worker", bind, limits, tls, this::route);
    }

    /** Starts serving plain HTTP on {@code bind}; port 0 picks a free port (see {@link #address()}). */
    public static WorkerControlServer start(InetSocketAddress bind, String jobToken, WorkerControlHandler handler)
            throws IOException {
        return start(bind, jobToken, handler, ControlServerLimits.worker(), null);
    }

    /** Starts serving on {@code bind}, over TLS with {@code tls} (mutual) or plain if null. */
    public static WorkerControlServer start(InetSocketAddress bind, String jobToken, WorkerControlHandler handler,
                                            ControlServerLimits limits, SSLContext tls) throws IOException {
        return new WorkerControlServer(BearerToken.of(jobToken), handler, bind, limits, tls);
    }

    /** From now on {@code GET /metrics} answers {@code scrape}'s Prometheus text; before, 404. */
    public void serveMetrics(Supplier<String> scrape) {
        this.metrics = scrape;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public URI baseUri() {
        return server.baseUri();
    }

    private ControlResponse route(ControlRequest request) {
        String path = request.rawPath();
        // Kubernetes probes carry no token; health reveals nothing but "the process answers".
        if (HEALTH.equals(path)) {
            request.requireMethod("GET");
            return ControlResponse.ok(Map.of("status", "UP"));
        }
        if (METRICS.equals(path)) {
            request.requireMethod("GET");
            Supplier<String> scrape = metrics;
            if (scrape == null) {
                throw HttpStatusException.notFound("no metrics yet");
            }
            return ControlResponse.ok(new TextBody(PROMETHEUS_TEXT, scrape.get()));
        }
        request.authorize(token);
        switch (path) {
            case TRIGGER:
                request.requireMethod("POST");
                handler.triggerCheckpoint(request.body(TriggerCheckpoint.class));
                break;
            case COMPLETE:
                request.requireMethod("POST");
                handler.notifyCheckpointComplete(request.body(CheckpointNotification.class).checkpointId());
                break;
            case ABORT:
                request.requireMethod("POST");
                handler.notifyCheckpointAborted(request.body(CheckpointNotification.class).checkpointId());
                break;
            case FINISH:
                request.requireMethod("POST");
                handler.finish();
                break;
            case CANCEL:
                request.requireMethod("POST");
                handler.cancel();
                break;
            default:
                throw HttpStatusException.notFound("no route " + path);
        }
        return ControlResponse.noContent();
    }

    @Override
    public void close() {
        server.close();
    }
}
