package dev.weir.runtime.worker.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.weir.runtime.worker.protocol.ControlPlaneJson;

/**
 * The JDK HTTP server both ends of the control plane use: one context, a small thread pool, and
 * one place that turns route outcomes and exceptions into JSON responses.
 */
public final class ControlHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlHttpServer.class);

    /** Answers one request; throws {@link HttpStatusException} for a chosen error status, anything else is a 500. */
    @FunctionalInterface
    public interface Routes {
        ControlResponse handle(ControlRequest request) throws Exception;
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Routes routes;

    private ControlHttpServer(String name, HttpServer server, ExecutorService executor, Routes routes) {
        this.name = name;
        this.server = server;
        this.executor = executor;
        this.routes = routes;
    }

    /** Binds {@code bind} (port 0 picks a free port) and starts serving with {@code threads} threads. */
    public static ControlHttpServer start(String name, InetSocketAddress bind, int threads, Routes routes)
            throws IOException {
        HttpServer server = HttpServer.create(bind, 0);
        ExecutorService executor = Executors.newFixedThreadPool(threads, daemonThreads("weir-" + name + "-http-"));
        ControlHttpServer control = new ControlHttpServer(name, server, executor, routes);
        server.createContext("/", control::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("{} control endpoint listening on {}", name, control.address());
        return control;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://host:port} of the bound socket, for clients in tests and for registration. */
    public URI baseUri() {
        InetSocketAddress address = address();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    private void handle(HttpExchange exchange) {
        ControlResponse response;
        ControlRequest request = new ControlRequest(exchange);
        try {
            response = routes.handle(request);
        } catch (HttpStatusException e) {
            response = ControlResponse.error(e.status(), e.getMessage());
        } catch (Exception e) {
            LOG.warn("{}: {} {} failed: {}", name, request.method(), request.rawPath(), e.toString());
            response = ControlResponse.error(500, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        send(exchange, response);
    }

    private void send(HttpExchange exchange, ControlResponse response) {
        try (exchange) {
            if (response.status() == 503) {
                // The client's retry should not come back over this connection: behind a Service,
                // a new one may reach another replica (the leader, or one that is not overloaded).
                exchange.getResponseHeaders().set("Connection", "close");
            }
            if (response.body() == null) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            byte[] json;
            if (response.body() instanceof TextBody text) {
                json = text.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", text.contentType());
            } else {
                json = ControlPlaneJson.write(response.body());
                exchange.getResponseHeaders().set("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(response.status(), json.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(json);
            }
        } catch (IOException e) {
            // The caller went away; it will retry or time out on its side.
            LOG.debug("{}: could not send response to {}: {}", name, exchange.getRemoteAddress(), e.toString());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
