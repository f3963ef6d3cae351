package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/** The job master's restart loop around attempts whose workers cannot even start. */
class JobMasterTest {

    private static final CheckpointConfig CHECKPOINTS =
            new CheckpointConfig(1_000, 10_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3);

    @TempDir
    Path dir;

    @Test
    void stopRequestDuringARestartBackoffEndsTheJobAtOnce() throws Exception {
        FailingDeployer deployer = new FailingDeployer(new IOException("broker down"));
        CountDownLatch backingOff = new CountDownLatch(1);
        JobMaster master = master(deployer, new RestartStrategy.Settings(60_000, 60_000, 1, 10, 600_000),
                new JobMasterListener() {
                    @Override
                    public void onRestarting(long nextAttempt, String cause, long delayMs) {
                        // The first restart is immediate; the second failure in a row backs off.
                        if (delayMs > 0) {
                            backingOff.countDown();
                        }
                    }
                });
        CompletableFuture<JobResult> run = run(master);
        assertThat(backingOff.await(30, TimeUnit.SECONDS)).isTrue();

        master.stopWithSavepoint();

        JobResult result = run.get(5, TimeUnit.SECONDS);
        assertThat(result.state()).isEqualTo(JobResult.JobState.CANCELED);
        assertThat(result.failure()).contains("stopped while waiting to restart").contains("broker down");
        assertThat(deployer.deployments.get()).as("no attempt after the stop request").isEqualTo(2);
    }

    @Test
    void unrecoverableDeploymentFailureIsNotRestarted() throws Exception {
        FailingDeployer deployer = new FailingDeployer(new UnrecoverableJobException(
                UnrecoverableJobException.Kind.JOB_JAR, "job jar s3://jobs/x.jar: no such object"));
        JobResult result = run(master(deployer, new RestartStrategy.Settings(10, 10, 1, 10, 600_000),
                new JobMasterListener() {})).get(30, TimeUnit.SECONDS);

        assertThat(result.state()).isEqualTo(JobResult.JobState.FAILED);
        assertThat(result.restarts()).isZero();
        assertThat(result.cause().unrecoverable()).isEqualTo(UnrecoverableJobException.Kind.JOB_JAR);
        assertThat(result.failure()).isEqualTo("job jar s3://jobs/x.jar: no such object");
        assertThat(deployer.deployments.get()).isEqualTo(1);
    }

    @Test
    void transientDeploymentFailuresAreRestartedUpToTheLimit() throws Exception {
        FailingDeployer deployer = new FailingDeployer(new IOException("node not ready"));
        JobResult result = run(master(deployer, new RestartStrategy.Settings(10, 10, 1, 2, 600_000),
                new JobMasterListener() {})).get(30, TimeUnit.SECONDS);

        assertThat(result.state()).isEqualTo(JobResult.JobState.FAILED);
        assertThat(result.restarts()).isEqualTo(2);
        assertThat(result.failure()).contains("restarted 2 times").contains("DeploymentFailed").contains("node not ready");
        assertThat(deployer.deployments.get()).isEqualTo(3);
    }

    private JobMaster master(JobDeployer deployer, RestartStrategy.Settings restart, JobMasterListener listener)
            throws IOException {
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir), "weir/test/master");
        return new JobMaster(new JobMaster.Settings("master", 2, 128, CHECKPOINTS, restart), storage, deployer,
                Clock.system(), listener);
    }

    private static CompletableFuture<JobResult> run(JobMaster master) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return master.run(null);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Workers that never start: every deployment throws. */
    private static final class FailingDeployer implements JobDeployer {
        private final Exception failure;
        final AtomicInteger deployments = new AtomicInteger();

        FailingDeployer(Exception failure) {
            this.failure = failure;
        }

        @Override
        public Workers workers() {
            return new Workers(2, Duration.ofSeconds(5), Duration.ofSeconds(30), null);
        }

        @Override
        public Deployment deploy(long attempt, RestoreTarget restore, AttemptCoordinator coordinator) throws Exception {
            deployments.incrementAndGet();
            throw failure;
        }
    }
}
