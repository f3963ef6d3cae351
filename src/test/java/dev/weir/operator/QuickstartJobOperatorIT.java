package dev.weir.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.local.WorkerClassPath;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.usercode.Sha256;
import dev.weir.testing.CommittedObjects;
import dev.weir.testing.QuickstartProject;
import dev.weir.testing.SensorStatsVerifier;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The job quickstart through the operator, as on a cluster: its jar, built outside Weir's build,
 * is uploaded to the job's S3 storage and named by {@code jarURI: s3://...} with its
 * {@code jarSha256} in the project's own Kubernetes manifest; every worker pod downloads it. A
 * worker is killed mid-run: Restarting, Running again from the latest checkpoint, Finished, and
 * the S3 output is exactly-once. The operator never has the job: its class cannot be loaded here
 * (the operator's JVM), it is on no class path of this JVM or of the worker processes (so the
 * workers can only have run it from the downloaded jar), and the operator app that the build
 * packages holds none of its classes.
 */
class QuickstartJobOperatorIT {

    private static final long READINGS = 200_000;
    private static final long SENSORS = 200;
    private static final String JOB = "sensor-stats";

    @TempDir
    Path dir;

    @Test
    void quickstartJarFromS3SurvivesAWorkerKillWhileTheOperatorNeverLoadsIt() throws Exception {
        QuickstartProject project = QuickstartProject.built();
        // The class-path scan finds the job where it is: in the built jar and classes.
        assertThat(QuickstartProject.entriesWithTheJob(List.of(project.jar(), project.dir().resolve("target/classes"))))
                .hasSize(2);
        assertOperatorCannotLoadTheJob();
        try (EndToEndFixture fixture = new EndToEndFixture(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, OperatorEndToEndIT.loopback(0));
             S3ObjectStore bucket = new S3ObjectStore(fixture.s3.settings("weir"))) {
            StreamJob job = Serialization.unmarshal(Serialization.asJson(project.manifest("sensor-stats-k8s.yaml")),
                    StreamJob.class);
            String jarUri = job.getSpec().getJob().getJarURI();
            assertThat(jarUri).isEqualTo("s3://weir/jobs/quickstart-job-1.0.jar");
            bucket.put(jarUri.substring("s3://weir/".length()), Files.readAllBytes(project.jar()));
            onThisFixture(job, fixture, Sha256.of(project.jar()));
            fixture.env.create(job);
            List<JobPhase> phases = new CopyOnWriteArrayList<>();
            Thread watcher = fixture.watchPhases(JOB, phases);

            fixture.await(JOB, () -> fixture.status(JOB).getPhase() == JobPhase.Running
                    && fixture.status(JOB).getLastCheckpoint() != null, Duration.ofSeconds(60));
            fixture.kubelet.killProcess(JOB + "-a1-w1");
            fixture.await(JOB, () -> fixture.status(JOB).getAttempt() == 2
                    && fixture.status(JOB).getPhase() == JobPhase.Running, Duration.ofSeconds(60));
            assertThat(fixture.status(JOB).getRestoredFrom()).contains("/checkpoints/chk-");
            assertThat(fixture.status(JOB).getRestarts()).isEqualTo(1);
            fixture.await(JOB, () -> fixture.status(JOB).getPhase() == JobPhase.Finished, Duration.ofSeconds(120));
            watcher.interrupt();
            assertThat(phases).containsSubsequence(JobPhase.Running, JobPhase.Restarting, JobPhase.Running);

            try (S3ObjectStore output = new S3ObjectStore(fixture.s3.settings("weir").withLocation("weir",
                    "output/" + JOB))) {
                SensorStatsVerifier.Report report = SensorStatsVerifier.verify(CommittedObjects.lines(output),
                        READINGS, SENSORS);
                assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
                assertThat(report.lines()).isEqualTo(READINGS);
            }
        }
        assertOperatorCannotLoadTheJob();
    }

    @Test
    void theBuiltOperatorAppHoldsNoClassOfTheJob() throws IOException {
        Path app = Path.of(System.getProperty("weir.operator.app", "target/quarkus-app"));
        if (!Files.isDirectory(app)) {
            if ("true".equals(System.getProperty("weir.operator.app.skipped"))) {
                Assumptions.abort("the operator app was not built (-Dquarkus.build.skip)");
            }
            throw new AssertionError("no operator app at " + app + ": mvn package builds it");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.walk(app)) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).toList();
        }
        assertThat(jars).as("the operator app's jars").anyMatch(jar -> jar.getFileName().toString().startsWith("io.quarkiverse"));
        assertThat(jars).noneMatch(jar -> jar.getFileName().toString().contains("quickstart"));
        assertThat(QuickstartProject.entriesWithTheJob(jars)).isEmpty();
    }

    /** The operator's class loader cannot load the job; no class path of the operator's JVM or the workers has it. */
    private static void assertOperatorCannotLoadTheJob() throws IOException {
        assertThatThrownBy(() -> Class.forName(QuickstartProject.JOB_CLASS, false,
                StreamJobReconciler.class.getClassLoader())).isInstanceOf(ClassNotFoundException.class);
        assertThat(QuickstartProject.classPathEntriesWithTheJob(System.getProperty("java.class.path"))).isEmpty();
        assertThat(QuickstartProject.entriesWithTheJob(WorkerClassPath.forThisInstallation().entries())).isEmpty();
    }

    /** The project's manifest, pointed at this fixture's store, with the jar's checksum and a short, slowed run. */
    private static void onThisFixture(StreamJob job, EndToEndFixture fixture, String sha256) {
        job.getMetadata().setNamespace(OperatorTestEnv.NAMESPACE);
        job.getSpec().getStorage().setEndpoint(fixture.s3.endpoint());
        job.getSpec().getJob().setJarSha256(sha256);
        job.getSpec().getJob().setArgs(new LinkedHashMap<>(Map.of("readings", Long.toString(READINGS),
                "sensors", Long.toString(SENSORS), "rate", "12000", "output", "s3://weir/output/" + JOB)));
        job.getSpec().getCheckpointing().setIntervalMs(200);
        job.getSpec().getRestartPolicy().setInitialBackoffMs(1_000);
    }
}
