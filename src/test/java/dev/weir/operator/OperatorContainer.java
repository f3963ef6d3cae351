package dev.weir.operator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.weir.testing.Podman;

/**
 * The operator as the image runs it (its default command, /opt/weir/operator), in a podman
 * container on the host's network, configured as the Helm chart configures it but pointed at the
 * test's API server, with every listener on loopback and without leader election (one replica).
 * Security settings as the chart's: non-root user, read-only root file system with a tmpfs at
 * /tmp, no capabilities, no privilege escalation.
 */
final class OperatorContainer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final Process process;
    private final Path log;
    private final String coordinatorUrl;

    private OperatorContainer(String name, Process process, Path log, String coordinatorUrl) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.coordinatorUrl = coordinatorUrl;
    }

    /**
     * Starts the operator of {@code image} against {@code apiServer} and waits until it reports
     * ready; its output goes to {@code log}.
     */
    static OperatorContainer start(String image, String name, String label, String apiServer, Path log)
            throws IOException, InterruptedException {
        int httpPort = OperatorEndToEndIT.freePort();
        int coordinatorPort = OperatorEndToEndIT.freePort();
        String coordinatorUrl = "http://127.0.0.1:" + coordinatorPort;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiServer);
        env.put("QUARKUS_OPERATOR_SDK_NAMESPACES", "JOSDK_ALL_NAMESPACES");
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("WEIR_OPERATOR_IMAGE", image);
        env.put("WEIR_OPERATOR_LEADER_ELECTION_ENABLED", "false");
        env.put("WEIR_OPERATOR_COORDINATOR_HOST", "127.0.0.1");
        env.put("WEIR_OPERATOR_COORDINATOR_PORT", Integer.toString(coordinatorPort));
        env.put("WEIR_OPERATOR_COORDINATOR_URL", coordinatorUrl);
        env.put("WEIR_OPERATOR_POLL_INTERVAL", "PT0.5S");
        List<String> options = List.of("--network", "host", "--label", label, "--user", "10001:10001", "--read-only",
                "--tmpfs", "/tmp:rw,exec,mode=1777", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--memory", "768m");
        Process process = Podman.run(name, options, env, image, List.of(), log);
        OperatorContainer operator = new OperatorContainer(name, process, log, coordinatorUrl);
        try {
            operator.awaitReady(httpPort);
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            operator.close();
            throw e;
        }
        return operator;
    }

    String coordinatorUrl() {
        return coordinatorUrl;
    }

    /** What the operator logged so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    private void awaitReady(int httpPort) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("the operator container exited with code " + process.exitValue()
                        + " before it was ready; its log: " + log + "\n" + log());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // starting
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the operator container was not ready within " + READY_TIMEOUT + "; its log: "
                        + log + "\n" + log());
            }
            Thread.sleep(250);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Podman.remove(List.of(name));
        process.destroyForcibly();
    }
}
