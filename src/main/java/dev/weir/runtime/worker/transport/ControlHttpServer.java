package dev.weir.runtime.worker.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;

import javax.net.ssl.SSLContext;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.worker.protocol.ControlPlaneJson;

/**
 * The HTTP server both ends of the control plane use (Jetty's core server, no servlets): one
 * handler, and one place that turns route outcomes and exceptions into JSON responses.
 *
 * <p>Jetty parses requests without blocking, so a connection that sends its headers slowly, or
 * nothing at all, waits in the selector and holds no thread of the pool that handles requests;
 * the {@link ConnectionGuard} and the {@link ControlServerLimits} bound how many such connections
 * there can be and for how long. Routes check the token before they read a body; a refusal (401,
 * 404 for a job, 503) closes the connection, so a caller without the token keeps nothing open.
 */
public final class ControlHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlHttpServer.class);

    /** Answers one request; throws {@link HttpStatusException} for a chosen error status, anything else is a 500. */
    @FunctionalInterface
    public interface Routes {
        ControlResponse handle(ControlRequest request) throws Exception;
    }

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final ControlServerLimits limits;
    private final Routes routes;
    private final boolean tls;
    private final ConnectionGuard guard;

    private ControlHttpServer(String name, InetSocketAddress bind, ControlServerLimits limits, SSLContext tls,
                              Routes routes) {
        this.name = name;
        this.limits = limits;
        this.routes = routes;
        this.tls = tls != null;
        QueuedThreadPool pool = new QueuedThreadPool(limits.threads(), 2);
        pool.setName("weir-" + name + "-http");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        this.server = new Server(pool);
        server.setStopTimeout(0);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(false);
        http.setIdleTimeout(limits.idleTimeout().toMillis());
        this.connector = new ServerConnector(server, 1, 1, connectionFactories(http, tls));
        connector.setHost(bind.getHostString());
        connector.setPort(bind.getPort());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        this.guard = new ConnectionGuard(name, limits, connector.getScheduler());
        connector.addBean(guard);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                ControlHttpServer.this.handle(request, response, callback);
                return true;
            }
        });
    }

    private static ConnectionFactory[] connectionFactories(HttpConfiguration http, SSLContext tls) {
        HttpConnectionFactory plain = new HttpConnectionFactory(http);
        if (tls == null) {
            return new ConnectionFactory[] {plain};
        }
        // Jetty checks by default that the SNI host matches the Host header and answers 400
        // "Invalid SNI" otherwise; clients that dial an IP send no SNI at all.
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        // Both ends show a certificate of the job's CA (mutual TLS); peers are pods known by IP, so
        // the CA, not a host name, is what identifies them (docs/control-plane.md).
        ssl.setNeedClientAuth(true);
        ssl.setEndpointIdentificationAlgorithm(null);
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), plain};
    }

    /** Binds {@code bind} (port 0 picks a free port) and starts serving; {@code tls} null serves plain HTTP. */
    public static ControlHttpServer start(String name, InetSocketAddress bind, ControlServerLimits limits,
                                          SSLContext tls, Routes routes) throws IOException {
        ControlHttpServer control = new ControlHttpServer(name, bind, limits, tls, routes);
        try {
            control.server.start();
        } catch (IOException e) {
            control.close();
            throw e;
        } catch (Exception e) {
            control.close();
            throw new IOException(name + " control endpoint cannot start on " + bind + ": " + e.getMessage(), e);
        }
        LOG.info("{} control endpoint listening on {}", name, control.baseUri());
        return control;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    /** {@code http(s)://host:port} of the bound socket, for clients in tests and for registration. */
    public URI baseUri() {
        InetSocketAddress address = address();
        String host = address.getAddress().getHostAddress();
        return URI.create((tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + address.getPort());
    }

    private void handle(Request jettyRequest, Response jettyResponse, Callback callback) {
        guard.served(jettyRequest.getConnectionMetaData().getRemoteSocketAddress());
        ControlRequest request = new ControlRequest(jettyRequest, limits.maxBodyBytes());
        ControlResponse response;
        try {
            response = routes.handle(request);
        } catch (HttpStatusException e) {
            response = ControlResponse.error(e.status(), e.getMessage());
        } catch (Exception e) {
            LOG.warn("{}: {} {} failed: {}", name, request.method(), request.rawPath(), e.toString());
            response = ControlResponse.error(500, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        send(jettyResponse, response, callback);
    }

    private static void send(Response jettyResponse, ControlResponse response, Callback callback) {
        jettyResponse.setStatus(response.status());
        if (closesConnection(response.status())) {
            // A refused caller keeps nothing open. A 503's retry should not come back over this
            // connection either: behind a Service, a new one may reach another replica (the leader).
            jettyResponse.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        if (response.body() == null) {
            jettyResponse.write(true, null, callback);
            return;
        }
        // A body is what its Content-Type says; a browser must not guess (a JSON error echoing a path as HTML).
        jettyResponse.getHeaders().put("X-Content-Type-Options", "nosniff");
        byte[] body;
        if (response.body() instanceof FileBody file) {
            body = file.content();
            jettyResponse.getHeaders().put(HttpHeader.CONTENT_TYPE, file.contentType());
            file.headers().forEach(jettyResponse.getHeaders()::put);
        } else if (response.body() instanceof TextBody text) {
            body = text.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            jettyResponse.getHeaders().put(HttpHeader.CONTENT_TYPE, text.contentType());
        } else {
            body = ControlPlaneJson.write(response.body());
            jettyResponse.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        }
        jettyResponse.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        jettyResponse.write(true, ByteBuffer.wrap(body), callback);
    }

    private static boolean closesConnection(int status) {
        return status == 401 || status == 404 || status == 413 || status == 503;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("{}: stopping the control endpoint: {}", name, e.toString());
        }
    }
}
