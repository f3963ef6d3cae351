package dev.weir.operator;

import static dev.weir.operator.OperatorTestEnv.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobStatus;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.testing.CommittedObjects;
import dev.weir.runtime.usercode.Sha256;
import dev.weir.testing.QuickstartProject;
import dev.weir.testing.SensorStatsVerifier;
import dev.weir.testing.Podman;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The image as the Dockerfile builds it from target/, run the way a cluster runs it: the operator
 * container (its default command) reconciles a StreamJob held by the mock API server of this JVM
 * and hosts the job's coordinator; each worker pod it creates runs as a container of the same
 * image ({@link WorkerContainerRunner}) and runs the job quickstart from its own jar — built outside
 * Weir's build, in neither image nor operator, downloaded by each worker from {@code s3://};
 * checkpoints and the job's output go to the S3 store of this JVM. Everything on the host's
 * network, on loopback addresses. Needs podman, runc and the
 * test base image, which `bash .ci/run` (the README's test command) provides.
 */
class OperatorImageIT {

    private static final long READINGS = 30_000;
    private static final long SENSORS = 200;
    /** Readings per second and subtask: a few seconds of run time, so checkpoints complete along the way. */
    private static final long RATE = 5_000;
    private static final String BUCKET = "weir";
    private static final String JOB = "sensor-stats";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void operatorAndWorkerContainersOfTheImageRunAUserJobJarToFinishedExactlyOnce() throws Exception {
        Podman.requireImageBuildTools();
        Podman.removeContainersOfEndedTestRuns();
        String run = "weir-image-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String image = "localhost/weir:" + run;
        String label = "dev.weir.test-run=" + run;
        Podman.build(Path.of("").toAbsolutePath(), image, Podman.TEST_BASE_IMAGE, dir.resolve("build.log"));
        String ipPrefix = "127.0." + ThreadLocalRandom.current().nextInt(100, 250) + ".";
        QuickstartProject project = QuickstartProject.built();
        try (EndToEndFixture fixture = new EndToEndFixture(dir,
                     new WorkerContainerRunner(run + "-", label, Map.of()), ipPrefix);
             OperatorContainer operator = OperatorContainer.start(image, run + "-operator", label,
                     loopbackUrl(fixture.env.client.getMasterUrl().toURI()), dir.resolve("operator.log"))) {
            fixture.env.create(quickstart(fixture, project));

            fixture.await(JOB, () -> fixture.status(JOB).getPhase() == JobPhase.Finished
                    || fixture.status(JOB).getPhase() == JobPhase.Failed, Duration.ofMinutes(5));

            StreamJobStatus status = fixture.status(JOB);
            assertThat(status.getPhase()).as("logs in %s", dir).isEqualTo(JobPhase.Finished);
            assertThat(status.getAttempt()).isEqualTo(1);
            assertThat(status.getRestarts()).isZero();
            assertThat(status.getLastCheckpoint()).as("a checkpoint completed through the operator container").isNotNull();
            assertThat(fixture.highestCheckpointIdInStorage(JOB)).isPositive();
            List<Pod> pods = fixture.env.pods(JOB);
            assertThat(pods).hasSize(2).allSatisfy(pod -> {
                assertThat(pod.getSpec().getContainers().get(0).getImage()).as("the operator's own image").isEqualTo(image);
                assertThat(Files.readString(dir.resolve(pod.getMetadata().getName() + ".log")))
                        .contains("registered").contains("after the process started");
            });
            try (S3ObjectStore output = new S3ObjectStore(fixture.s3.settings(BUCKET).withLocation(BUCKET, "output"))) {
                SensorStatsVerifier.Report report = SensorStatsVerifier.verify(CommittedObjects.lines(output), READINGS,
                        SENSORS);
                assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
                assertThat(report.lines()).isEqualTo(READINGS);
            }
            assertThat(operator.log()).doesNotContain(fixture.s3.secretKey());
        } finally {
            Podman.removeImage(image);
        }
        assertThat(Podman.containersLabelled(label)).as("containers left").isEmpty();
    }

    /**
     * The job quickstart's own Kubernetes manifest: its jar, built outside Weir's build and not in the
     * image, uploaded to the job's S3 store and named {@code s3://} with its checksum; every worker
     * container downloads it.
     */
    private static StreamJob quickstart(EndToEndFixture fixture, QuickstartProject project) throws Exception {
        StreamJob job = Serialization.unmarshal(Serialization.asJson(project.manifest("sensor-stats-k8s.yaml")),
                StreamJob.class);
        String jarUri = job.getSpec().getJob().getJarURI();
        try (S3ObjectStore bucket = new S3ObjectStore(fixture.s3.settings(BUCKET))) {
            bucket.put(jarUri.substring(("s3://" + BUCKET + "/").length()), Files.readAllBytes(project.jar()));
        }
        job.getMetadata().setNamespace(NAMESPACE);
        // The manifest names the released image; here the workers run the image this test built (the operator's).
        job.getSpec().setImage(null);
        job.getSpec().getStorage().setEndpoint(fixture.s3.endpoint());
        job.getSpec().getStorage().setBucket(BUCKET);
        job.getSpec().getJob().setJarSha256(Sha256.of(project.jar()));
        job.getSpec().getJob().setArgs(new LinkedHashMap<>(Map.of("readings", Long.toString(READINGS),
                "sensors", Long.toString(SENSORS), "rate", Long.toString(RATE), "output", "s3://" + BUCKET + "/output")));
        job.getSpec().getCheckpointing().setIntervalMs(300);
        return job;
    }

    /** The API server's URL with a numeric loopback host: the container resolves names on its own. */
    private static String loopbackUrl(URI master) {
        return "http://127.0.0.1:" + master.getPort();
    }
}
