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
import dev.weir.testing.KeyedCountVerifier;
import dev.weir.testing.Podman;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The image as the Dockerfile builds it from target/, run the way a cluster runs it: the operator
 * container (its default command) reconciles a StreamJob held by the mock API server of this JVM
 * and hosts the job's coordinator; each worker pod it creates runs as a container of the same
 * image ({@link WorkerContainerRunner}); checkpoints and the job's output go to the S3 store of
 * this JVM. Everything on the host's network, on loopback addresses. Needs podman, runc and the
 * test base image, which `bash .ci/run` (the README's test command) provides.
 */
class OperatorImageIT {

    private static final long RECORDS = 30_000;
    private static final long KEYS = 200;
    /** Records per second and subtask: a few seconds of run time, so checkpoints complete along the way. */
    private static final long RATE = 5_000;
    private static final String BUCKET = "weir";

    /**
     * Where the job's code comes from. Today a class the image holds (the example jobs are on the
     * worker's class path). A jar outside the image's class path, once workers load
     * {@code spec.job.jarURI}: its host file mounted into every worker container at a path that the
     * job names as {@code local://<path>}.
     *
     * @param files host files mounted read-only into the worker containers, by their path there
     */
    record JobSource(String className, Map<Path, String> files) {
        static JobSource inTheImage(String className) {
            return new JobSource(className, Map.of());
        }

        void applyTo(StreamJob job) {
            job.getSpec().getJob().setClassName(className);
        }
    }

    private static final JobSource JOB = JobSource.inTheImage("dev.weir.examples.KeyedCountJob");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void operatorAndWorkerContainersOfTheImageRunAJobToFinishedExactlyOnce() throws Exception {
        Podman.requireImageBuildTools();
        Podman.removeContainersOfEndedTestRuns();
        String run = "weir-image-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String image = "localhost/weir:" + run;
        String label = "dev.weir.test-run=" + run;
        Podman.build(Path.of("").toAbsolutePath(), image, Podman.TEST_BASE_IMAGE, dir.resolve("build.log"));
        String ipPrefix = "127.0." + ThreadLocalRandom.current().nextInt(100, 250) + ".";
        try (EndToEndFixture fixture = new EndToEndFixture(dir,
                     new WorkerContainerRunner(run + "-", label, JOB.files()), ipPrefix);
             OperatorContainer operator = OperatorContainer.start(image, run + "-operator", label,
                     loopbackUrl(fixture.env.client.getMasterUrl().toURI()), dir.resolve("operator.log"))) {
            fixture.env.create(keyedCount(fixture, "counts"));

            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Finished
                    || fixture.status("counts").getPhase() == JobPhase.Failed, Duration.ofMinutes(5));

            StreamJobStatus status = fixture.status("counts");
            assertThat(status.getPhase()).as("logs in %s", dir).isEqualTo(JobPhase.Finished);
            assertThat(status.getAttempt()).isEqualTo(1);
            assertThat(status.getRestarts()).isZero();
            assertThat(status.getLastCheckpoint()).as("a checkpoint completed through the operator container").isNotNull();
            assertThat(fixture.highestCheckpointIdInStorage("counts")).isPositive();
            List<Pod> pods = fixture.env.pods("counts");
            assertThat(pods).hasSize(2).allSatisfy(pod -> {
                assertThat(pod.getSpec().getContainers().get(0).getImage()).as("the operator's own image").isEqualTo(image);
                assertThat(Files.readString(dir.resolve(pod.getMetadata().getName() + ".log")))
                        .contains("registered").contains("after the process started");
            });
            try (S3ObjectStore output = new S3ObjectStore(fixture.s3.settings(BUCKET).withLocation(BUCKET, "output"))) {
                KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedObjects.lines(output), RECORDS, KEYS);
                assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
                assertThat(report.lines()).isEqualTo(RECORDS);
            }
            assertThat(operator.log()).doesNotContain(fixture.s3.secretKey());
        } finally {
            Podman.removeImage(image);
        }
        assertThat(Podman.containersLabelled(label)).as("containers left").isEmpty();
    }

    private static StreamJob keyedCount(EndToEndFixture fixture, String name) {
        StreamJob job = OperatorTestEnv.job(name, 2);
        JOB.applyTo(job);
        job.getSpec().getStorage().setEndpoint(fixture.s3.endpoint());
        job.getSpec().getStorage().setBucket(BUCKET);
        job.getSpec().getJob().setArgs(new LinkedHashMap<>(Map.of("records", Long.toString(RECORDS),
                "keys", Long.toString(KEYS), "rate", Long.toString(RATE), "output", "s3://" + BUCKET + "/output")));
        job.getSpec().getCheckpointing().setIntervalMs(300);
        return job;
    }

    /** The API server's URL with a numeric loopback host: the container resolves names on its own. */
    private static String loopbackUrl(URI master) {
        return "http://127.0.0.1:" + master.getPort();
    }
}
