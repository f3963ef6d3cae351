package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.weir.testing.CommittedFiles;
import dev.weir.testing.QuickstartProject;
import dev.weir.testing.SensorStatsVerifier;

/**
 * The job quickstart, built by its own Maven project outside Weir's build, run as a user runs it:
 * {@code weir local} on the project's manifest, whose {@code jarURI} is a path relative to the
 * manifest, with worker processes. A worker is SIGKILLed mid-run; the job restarts from the latest
 * checkpoint and finishes, and {@link SensorStatsVerifier} finds every reading reported exactly once
 * with the right running statistics. Neither this JVM nor the workers have the job on their class
 * paths: its classes come from the jar, in the workers' user-code class loaders.
 */
class QuickstartJobIT {

    private static final long READINGS = 300_000;
    private static final long SENSORS = 200;

    @TempDir
    Path dir;

    @Test
    void quickstartJarSurvivesAWorkerKillThroughWeirLocalWithExactlyOnceOutput() throws Exception {
        QuickstartProject project = QuickstartProject.built();
        assertThat(QuickstartProject.classPathEntriesWithTheJob(System.getProperty("java.class.path")))
                .as("the job is on weir local's class path").isEmpty();
        assertThat(QuickstartProject.entriesWithTheJob(WorkerClassPath.forThisInstallation().entries()))
                .as("the job is on the workers' class path").isEmpty();
        Path output = dir.resolve("out");
        Path manifest = project.localManifest("sensor-stats-it", Map.of("readings", Long.toString(READINGS),
                "sensors", Long.toString(SENSORS), "rate", "7500", "output", output.toString()), 200);
        assertThat(project.manifest(manifest.getFileName().toString()).at("/spec/job/jarURI").asText())
                .isEqualTo("target/quickstart-job.jar");
        try (WeirLocalProcess weirLocal = WeirLocalProcess.start(Map.of(), dir.resolve("state"), manifest)) {
            // The quickstart has no gate to hold it: at 7,500 readings/s per subtask (a source that fell
            // behind catches up by 100 ms at most) the run takes 20 s or more, and the kill comes after the
            // first checkpoint (at a load average of 20 that took 6 s; three took until the run had ended).
            weirLocal.awaitCompletedCheckpoints(1);
            List<ProcessHandle> workers = weirLocal.awaitWorkers(2);
            workers.get(1).destroyForcibly();
            assertThat((long) CommittedFiles.lines(output).size()).as("killed before the end").isLessThan(READINGS);

            weirLocal.awaitLine(".* attempt 2 restoring from .*/checkpoints/chk-.*");
            JsonNode summary = weirLocal.awaitSuccess(120);
            assertThat(summary.get("state").asText()).isEqualTo("FINISHED");
            assertThat(summary.get("restarts").asInt()).isEqualTo(1);
        } finally {
            Files.deleteIfExists(manifest);
        }

        SensorStatsVerifier.Report report = SensorStatsVerifier.verify(CommittedFiles.lines(output), READINGS, SENSORS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(READINGS);
    }
}
