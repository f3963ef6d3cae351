package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.OutageObjectStore;

/** The job master's restart loop around attempts whose workers cannot even start or are slow to stop, and storage that goes down between them. */
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

    /**
     * Attempt 1 fails and its workers take their time to stop: attempt 2's workers are started at
     * once, register, but learn their peers (and so run) only once attempt 1's are gone; and the
     * job master does not return while any are left.
     */
    @Test
    void theNextAttemptStartsWhileTheLastOneStopsButRunsOnlyOnceItIsGone() throws Exception {
        CountDownLatch firstStopped = new CountDownLatch(1);
        SlowToStopDeployer deployer = new SlowToStopDeployer(firstStopped);
        CompletableFuture<JobResult> run = run(master(deployer, RestartStrategy.Settings.DEFAULT,
                new JobMasterListener() {}));
        AttemptCoordinator first = deployer.deployed.poll(30, TimeUnit.SECONDS);
        first.workerExited(1, 137, "SIGKILL");

        AttemptCoordinator second = deployer.deployed.poll(30, TimeUnit.SECONDS);
        assertThat(second.attempt()).as("started while attempt 1's workers still stop").isEqualTo(2);
        assertThat(firstStopped.getCount()).isOne();
        for (int worker = 0; worker < 2; worker++) {
            second.endpoint().register(dev.weir.testing.Topologies.worker("master", 2, worker, 2, "127.0.0.1", 0, 0));
        }
        assertThat(second.registeredWorkers()).isEqualTo(2);
        assertThat(second.endpoint().peers(2).isCompleteFor(2)).as("peers held back").isFalse();

        firstStopped.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!second.endpoint().peers(2).isCompleteFor(2) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(second.endpoint().peers(2).isCompleteFor(2)).as("released once attempt 1 is gone").isTrue();
        second.cancel();
        assertThat(run.get(30, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.CANCELED);
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

    /**
     * Storage goes down as an attempt fails: the job neither crashes nor restarts from empty state, it
     * waits, reports, and once storage answers restores the latest checkpoint it holds.
     */
    @Test
    void storageDownBeforeARestartIsWaitedForAndTheRestartRestoresTheLatestCheckpoint() throws Exception {
        OutageObjectStore store = new OutageObjectStore(new LocalObjectStore(dir));
        CheckpointStorage storage = new CheckpointStorage(store, "weir/test/master");
        storage.writeMetadata(new CheckpointMetadata(5, false, 1, 2, "master", 2, 128, Map.of()), CheckpointType.CHECKPOINT);
        List<RestoreTarget> restores = new CopyOnWriteArrayList<>();
        JobDeployer deployer = new FailingDeployer(attempt -> {
            if (attempt == 1) {
                store.down();
                return new IOException("worker lost");
            }
            return new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "enough");
        }, restores);
        List<String> reports = new CopyOnWriteArrayList<>();
        JobMaster master = master(storage, deployer, new RestartStrategy.Settings(10, 10, 1, 10, 600_000),
                new JobMasterListener() {
                    @Override
                    public void onStorageUnavailable(String problem, long unavailableForMs, long retryInMs) {
                        reports.add("unavailable: " + problem);
                        store.up();
                    }

                    @Override
                    public void onStorageAvailable(long unavailableForMs) {
                        reports.add("available");
                    }
                });

        JobResult result = run(master).get(60, TimeUnit.SECONDS);

        assertThat(reports).hasSize(2);
        assertThat(reports.get(0)).contains("list of " + store.describe()).contains("failed");
        assertThat(reports.get(1)).isEqualTo("available");
        assertThat(restores).hasSize(2);
        assertThat(restores.get(0)).isNull();
        assertThat(restores.get(1)).as("the restart restores the checkpoint storage holds").isNotNull();
        assertThat(restores.get(1).checkpointId()).isEqualTo(5);
        assertThat(result.state()).isEqualTo(JobResult.JobState.FAILED);
        assertThat(result.restarts()).isEqualTo(1);
    }

    @Test
    void stopRequestWhileStorageIsUnavailableEndsTheJobAtOnce() throws Exception {
        OutageObjectStore store = new OutageObjectStore(new LocalObjectStore(dir));
        CheckpointStorage storage = new CheckpointStorage(store, "weir/test/master");
        List<RestoreTarget> restores = new CopyOnWriteArrayList<>();
        JobDeployer deployer = new FailingDeployer(attempt -> {
            store.down();
            return new IOException("worker lost");
        }, restores);
        JobMaster[] master = new JobMaster[1];
        master[0] = master(storage, deployer, new RestartStrategy.Settings(10, 10, 1, 10, 600_000),
                new JobMasterListener() {
                    @Override
                    public void onStorageUnavailable(String problem, long unavailableForMs, long retryInMs) {
                        master[0].stopWithSavepoint();
                    }
                });

        JobResult result = run(master[0]).get(30, TimeUnit.SECONDS);

        assertThat(result.state()).isEqualTo(JobResult.JobState.CANCELED);
        assertThat(result.failure()).contains("stopped while waiting for checkpoint storage")
                .contains(store.describe()).contains("worker lost");
        assertThat(restores).as("no attempt while storage is down").hasSize(1);
        assertThat(store.refused()).isEqualTo(1);
    }

    private JobMaster master(JobDeployer deployer, RestartStrategy.Settings restart, JobMasterListener listener)
            throws IOException {
        return master(new CheckpointStorage(new LocalObjectStore(dir), "weir/test/master"), deployer, restart, listener);
    }

    private static JobMaster master(CheckpointStorage storage, JobDeployer deployer, RestartStrategy.Settings restart,
                                    JobMasterListener listener) {
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

    /** Workers of another process (registered over the control plane); those of attempt 1 stop only when told to. */
    private static final class SlowToStopDeployer implements JobDeployer {
        final java.util.concurrent.BlockingQueue<AttemptCoordinator> deployed = new java.util.concurrent.LinkedBlockingQueue<>();
        private final CountDownLatch firstStopped;

        SlowToStopDeployer(CountDownLatch firstStopped) {
            this.firstStopped = firstStopped;
        }

        @Override
        public Workers workers() {
            return new Workers(2, Duration.ofSeconds(30), Duration.ofSeconds(30),
                    registration -> new dev.weir.testing.ControlMessages().asGateway("w" + registration.worker()));
        }

        @Override
        public Deployment deploy(long attempt, RestoreTarget restore, AttemptCoordinator coordinator) {
            deployed.add(coordinator);
            return new Deployment() {
                @Override
                public void stop() {
                }

                @Override
                public boolean awaitTermination(Duration timeout) throws InterruptedException {
                    return attempt != 1 || firstStopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
                }
            };
        }
    }

    /** Workers that never start: every deployment throws (what {@code failures} gives for its attempt). */
    private static final class FailingDeployer implements JobDeployer {
        private final LongFunction<Exception> failures;
        private final List<RestoreTarget> restores;
        final AtomicInteger deployments = new AtomicInteger();

        FailingDeployer(Exception failure) {
            this(attempt -> failure, new CopyOnWriteArrayList<>());
        }

        FailingDeployer(LongFunction<Exception> failures, List<RestoreTarget> restores) {
            this.failures = failures;
            this.restores = restores;
        }

        @Override
        public Workers workers() {
            return new Workers(2, Duration.ofSeconds(5), Duration.ofSeconds(30), null);
        }

        @Override
        public Deployment deploy(long attempt, RestoreTarget restore, AttemptCoordinator coordinator) throws Exception {
            deployments.incrementAndGet();
            restores.add(restore);
            throw failures.apply(attempt);
        }
    }
}
