package dev.weir.coordinator.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.weir.runtime.worker.transport.ControlRequest;
import dev.weir.runtime.worker.transport.ControlResponse;
import dev.weir.runtime.worker.transport.FileBody;
import dev.weir.runtime.worker.transport.HttpStatusException;

/**
 * The web dashboard (docs/dashboard.md): a page, its script and style sheet, and uPlot from its
 * WebJar, served from the jar by the coordinator beside the REST API the page polls. A fixed list,
 * nothing looked up by the request's path. Like the REST API's reads they need no token: the page
 * reads the job's token from its URL's fragment, which browsers never send.
 */
public final class DashboardFiles {

    /** The WebJar's version: the pom's {@code uplot.version}. */
    static final String UPLOT_VERSION = "1.6.30";

    private static final String HTML = "text/html; charset=utf-8";
    private static final String JS = "text/javascript; charset=utf-8";
    private static final String CSS = "text/css; charset=utf-8";
    private static final String OWN = "/dev/weir/dashboard/";
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";

    /**
     * Scripts and styles from these files only, no inline script and no eval; the page talks to this
     * endpoint only and is framed by no one.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record File(String resource, String contentType) {}

    /** By path below the root: "" is the page. */
    private static final Map<String, File> FILES = Map.of(
            "", new File(OWN + "index.html", HTML),
            "dashboard/dashboard.js", new File(OWN + "dashboard.js", JS),
            "dashboard/dashboard.css", new File(OWN + "dashboard.css", CSS),
            "dashboard/uPlot.iife.min.js", new File(UPLOT + "uPlot.iife.min.js", JS),
            "dashboard/uPlot.min.css", new File(UPLOT + "uPlot.min.css", CSS));

    private static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "Referrer-Policy", "no-referrer",
            // Revalidated on every load: a new Weir version's page never runs with the old script.
            "Cache-Control", "no-cache");

    private final Map<String, byte[]> loaded = new ConcurrentHashMap<>();

    /** Whether {@code path} is one of the dashboard's files. */
    public static boolean matches(List<String> path) {
        return FILES.containsKey(String.join("/", path));
    }

    public ControlResponse handle(ControlRequest request) {
        request.requireMethod("GET");
        String path = String.join("/", request.pathSegments());
        File file = FILES.get(path);
        if (file == null) {
            throw HttpStatusException.notFound("no route " + request.rawPath());
        }
        return ControlResponse.ok(new FileBody(file.contentType(), loaded.computeIfAbsent(path, p -> read(file)),
                HEADERS));
    }

    private static byte[] read(File file) {
        try (InputStream in = DashboardFiles.class.getResourceAsStream(file.resource())) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + file.resource() + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
