package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

/**
 * The worker's class path as the build lays it out (target/worker/lib, copied into the image's
 * /opt/weir/worker/lib): the runtime's and the connectors' client libraries only, and enough to
 * start a worker JVM; and the operator app without `weir local`'s embedded S3 store.
 */
class WorkerClassPathIT {

    private static final Path TARGET = Path.of("target").toAbsolutePath();
    /** Maven group ids (and jar-name parts) of what only the operator or `weir local` runs. */
    private static final List<String> NOT_FOR_WORKERS = List.of("io.quarkus", "io.quarkiverse", "io.fabric8",
            "io.javaoperatorsdk", "io.vertx", "io.netty", "io.smallrye", "org.jboss", "org.gaul", "org.eclipse.jetty",
            "software.amazon", "quarkus", "fabric8", "vertx", "netty", "s3proxy", "jetty", "awssdk");
    /** Jetty's core HTTP server, the control plane's on both ends; the rest of Jetty (servlets, sessions) is S3Proxy's. */
    private static final List<String> CONTROL_PLANE_SERVER = List.of("jetty-server-", "jetty-http-", "jetty-io-",
            "jetty-util-");
    /**
     * 47 today: about 36 for the runtime and the connectors' clients (docs/benchmarks.md) and 11 small
     * ones (1.4 MB) for the worker's Prometheus endpoint; a few more client libraries fit, another
     * framework does not.
     */
    private static final int MAX_JARS = 50;

    @Test
    void workerJarsAreTheRuntimeAndConnectorClientsOnly() throws IOException {
        WorkerClassPath classPath = WorkerClassPath.besideCode(TARGET.resolve("weir.jar"));
        List<Path> jars = classPath.entries().subList(1, classPath.entries().size());

        assertThat(classPath.entries().get(0)).isEqualTo(TARGET.resolve("weir.jar"));
        assertThat(jars).as("worker jars").hasSizeLessThanOrEqualTo(MAX_JARS)
                .allSatisfy(jar -> assertThat(jar.getParent()).isEqualTo(TARGET.resolve("worker/lib")));
        List<String> names = jars.stream().map(p -> p.getFileName().toString()).toList();
        assertThat(names).anyMatch(n -> n.startsWith("kafka-clients-")).anyMatch(n -> n.startsWith("minio-"))
                .anyMatch(n -> n.startsWith("postgresql-")).anyMatch(n -> n.startsWith("logback-classic-"))
                .anyMatch(n -> n.startsWith("jackson-databind-"));
        assertThat(names).as("the control plane's server").anyMatch(n -> n.startsWith("jetty-server-"));
        for (Path jar : jars) {
            if (isControlPlaneServer(jar)) {
                continue;
            }
            List<String> origins = new ArrayList<>(mavenGroups(jar));
            origins.add(jar.getFileName().toString());
            assertThat(origins).as(jar.toString())
                    .noneMatch(origin -> NOT_FOR_WORKERS.stream().anyMatch(origin::contains));
        }
    }

    @Test
    void theOperatorAppLeavesOutTheEmbeddedS3Store() throws IOException {
        try (Stream<Path> jars = Files.list(TARGET.resolve("quarkus-app/lib/main"))) {
            assertThat(jars.filter(jar -> !isControlPlaneServer(jar)).map(p -> p.getFileName().toString()).toList())
                    .isNotEmpty()
                    .noneMatch(n -> n.contains("s3proxy") || n.contains("jetty") || n.contains("awssdk"));
        }
    }

    /** No Quarkus logging next to logback any more: the worker's log shows no SLF4J provider warning. */
    @Test
    void aWorkerJvmStartsOnItWithOneSlf4jProvider() throws Exception {
        WorkerClassPath classPath = WorkerClassPath.besideCode(TARGET.resolve("weir.jar"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath.asArgument(), "dev.weir.runtime.worker.WorkerMain").redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("WEIR_"));
        Process worker = builder.start();
        String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(worker.exitValue()).as(output).isEqualTo(2);
        assertThat(output).startsWith("weir worker: ").contains("WEIR_").doesNotContain("SLF4J");
    }

    private static boolean isControlPlaneServer(Path jar) {
        String name = jar.getFileName().toString();
        return CONTROL_PLANE_SERVER.stream().anyMatch(name::startsWith)
                || CONTROL_PLANE_SERVER.stream().anyMatch(prefix -> name.startsWith("org.eclipse.jetty." + prefix));
    }

    /** The group ids a jar's Maven metadata names (META-INF/maven/<group>/<artifact>/pom.properties). */
    private static List<String> mavenGroups(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(e -> e.getName().split("/"))
                    .filter(parts -> parts.length == 5 && parts[0].equals("META-INF") && parts[1].equals("maven")
                            && parts[4].equals("pom.properties"))
                    .map(parts -> parts[2]).toList();
        }
    }
}
