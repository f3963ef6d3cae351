package dev.weir.coordinator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.weir.coordinator.remote.CoordinatorServer;

/**
 * The dashboard's files as a coordinator serves them beside the REST API: each with its content
 * type and the page's security headers, nothing but the listed files, and nothing before the REST
 * API is served (an operator replica that hosts no jobs).
 */
class DashboardFilesTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private CoordinatorServer server;

    @BeforeEach
    void start() throws IOException {
        server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void servesThePageItsScriptsAndStylesWithAStrictContentSecurityPolicy() throws Exception {
        server.serveRestApi(new JobRestRoutes());

        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(DashboardFiles.CONTENT_SECURITY_POLICY);
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.body()).contains("<script src=\"dashboard/dashboard.js\" defer></script>")
                .as("no inline script: the policy would block it").doesNotContainPattern("<script>|<script [^>]*>[^<]");

        assertThat(get("/dashboard/dashboard.js")).satisfies(js -> {
            assertThat(js.statusCode()).isEqualTo(200);
            assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            assertThat(js.body()).contains("v1/jobs");
        });
        assertThat(get("/dashboard/uPlot.iife.min.js")).satisfies(js -> {
            assertThat(js.statusCode()).as("uPlot from its WebJar, version " + DashboardFiles.UPLOT_VERSION)
                    .isEqualTo(200);
            assertThat(js.body()).contains("uPlot");
        });
        for (String css : new String[] {"/dashboard/dashboard.css", "/dashboard/uPlot.min.css"}) {
            HttpResponse<String> style = get(css);
            assertThat(style.statusCode()).as(css).isEqualTo(200);
            assertThat(style.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        }
    }

    @Test
    void servesNothingElseAndNothingBeforeTheRestApi() throws Exception {
        assertThat(get("/").statusCode()).as("before serveRestApi").isEqualTo(404);
        server.serveRestApi(new JobRestRoutes());
        assertThat(get("/dashboard/").statusCode()).isEqualTo(404);
        // Jetty refuses a path that climbs out of its directory (400) before any route sees it.
        assertThat(get("/dashboard/../dev/weir/dashboard/index.html").statusCode()).isIn(400, 404);
        assertThat(get("/dashboard/%2e%2e%2fMETA-INF%2fMANIFEST.MF").statusCode()).isIn(400, 404);
        assertThat(get("/index.html").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(server.baseUri() + path);
    }
}
