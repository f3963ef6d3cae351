package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The class-data archive of the build (pom.xml's training run, {@link ClassDataTraining}): valid for
 * the class path the launchers use, holding the classes of a checkpoint's first run, and used by
 * bin/weir.
 */
class ClassDataArchiveIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path ARCHIVE = ROOT.resolve("target/weir.jsa");
    /** As bin/weir and bench/keyed-count spell it. */
    private static final String CLASS_PATH = ROOT + "/target/weir.jar:" + ROOT + "/target/lib/*";

    @Test
    void theArchiveMatchesTheLaunchersClassPathAndHoldsTheFirstCheckpointsClasses() throws Exception {
        assertThat(ARCHIVE).as("built by mvn package").isRegularFile();
        String listing = run(List.of(java(), "-XX:SharedArchiveFile=" + ARCHIVE, "-XX:+PrintSharedArchiveAndExit",
                "-cp", CLASS_PATH, "dev.weir.Main"), List.of());
        assertThat(listing).doesNotContain("archive is invalid");
        for (String name : List.of(
                "dev.weir.local.ManifestLoader",
                "dev.weir.local.EmbeddedS3Server",
                "dev.weir.runtime.storage.S3ObjectStore",
                "dev.weir.runtime.exec.SubtaskCheckpointCoordinator",
                "dev.weir.runtime.checkpoint.CheckpointMetadata",
                "dev.weir.connectors.file.ExactlyOnceFileSink",
                "dev.weir.local.WorkerProcessDeployer",
                "dev.weir.coordinator.remote.CoordinatorServer",
                "com.fasterxml.jackson.databind.ObjectMapper")) {
            assertThat(listing).as("archived classes").containsPattern("\\d+: " + name.replace(".", "\\.") + " app_loader");
        }
    }

    @Test
    void theLaunchersStartFromTheArchive() throws Exception {
        for (String script : List.of("bin/weir", "bench/keyed-count")) {
            assertThat(Files.readString(ROOT.resolve(script))).as(script)
                    .contains("-XX:SharedArchiveFile=\"$root/target/weir.jsa\" -Xshare:auto")
                    .contains("exec java ${cds[@]+\"${cds[@]}\"} ");
        }
        String log = run(List.of(ROOT.resolve("bin/weir").toString(), "--help"),
                List.of("WEIR_JAVA_OPTS=-Xlog:class+load=info"));
        assertThat(log).contains("dev.weir.runtime.logging.JdkLogging source: shared objects file");
    }

    /** The java on PATH: the one the build's training run and the launchers use. */
    private static String java() {
        return "java";
    }

    private static String run(List<String> command, List<String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        for (String e : env) {
            int eq = e.indexOf('=');
            builder.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
        return output;
    }
}
