package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.coordinator.remote.WorkerClient;
import dev.weir.local.EmbeddedS3Server;
import dev.weir.operator.JobKey;
import dev.weir.operator.runtime.AttemptPlan;
import dev.weir.operator.runtime.AttemptView;
import dev.weir.operator.runtime.CoordinatorJobRuntime;
import dev.weir.operator.runtime.SavepointState;
import dev.weir.operator.runtime.StorageAccess;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.testing.ScriptedWorker;
import dev.weir.testing.Topologies;

/**
 * The attempt scenarios that real workers produce only by chance, scripted with workers that
 * speak the real control plane, and run against both hosts of the {@link AttemptCoordinator}:
 * {@code weir local}'s job master and the operator's runtime. Both must end each scenario the
 * same way.
 */
class AttemptHostsIT {

    static final String TOKEN = "scenario-token";
    /**
     * Short, since one scenario waits it out, but not shorter than a busy machine needs: at a load
     * average of 50 a scripted worker's registration took a second to be answered, and with 1 s
     * the attempt failed on its first heartbeat's lateness and restarted at once (a first failure
     * does not back off) under the test's feet.
     */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
    /** Checkpoints every 100 ms; one not acknowledged within a second is aborted; failures never fail the job. */
    static final CheckpointConfig CHECKPOINTS = new CheckpointConfig(100, 1_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 1_000);
    /** The same with a 60 s timeout, but one that gets no acknowledgement for 300 ms is aborted as stalled. */
    static final CheckpointConfig STALL_GUARDED =
            new CheckpointConfig(100, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 1_000, 300);

    @TempDir
    Path dir;

    static Stream<Arguments> hosts() {
        return Stream.of(Arguments.of("weir local"), Arguments.of("operator"));
    }

    private Host host(String kind) throws Exception {
        return host(kind, CHECKPOINTS);
    }

    private Host host(String kind, CheckpointConfig checkpoints) throws Exception {
        return kind.equals("operator") ? new OperatorHost(checkpoints) : new LocalHost(dir, checkpoints);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void workerLostMidCheckpointFailsTheAttemptAndTheCheckpointNeverCompletes(String kind) throws Exception {
        try (Host host = host(kind)) {
            List<ScriptedWorker> workers = host.start();
            long id = triggered(workers.get(0).await("trigger "));
            workers.get(0).acknowledge(id);
            workers.get(1).stopHeartbeats();

            Ended ended = host.awaitEnd();
            assertThat(ended.failure().cause()).isEqualTo(AttemptFailure.Cause.HeartbeatTimeout);
            assertThat(ended.failure().message()).startsWith("worker 1 ");
            assertThat(ended.restarting()).as("a lost worker is restarted").isTrue();
            assertThat(workers.get(0).await("cancel")).as("the other worker is told to stop").isNotNull();
            assertThat(host.completedCheckpoints()).doesNotContain(id);
        }
    }

    /**
     * Worker 1 keeps sending heartbeats (its host does not know its process): only worker 0's report
     * that its connection to worker 1 ended can fail the attempt, and it does at once, naming worker 1.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void aLostPeerReportedByAWorkerFailsTheAttemptAtOnceNamingTheLostWorker(String kind) throws Exception {
        try (Host host = host(kind)) {
            List<ScriptedWorker> workers = host.start();
            long id = triggered(workers.get(0).await("trigger "));
            workers.get(0).acknowledge(id);
            workers.get(0).reportLostPeer(1, new java.io.IOException("connection to worker 1 lost",
                    new java.net.SocketException("Connection reset")));

            Ended ended = host.awaitEnd();
            assertThat(ended.failure().cause()).isEqualTo(AttemptFailure.Cause.WorkerLost);
            assertThat(ended.failure().describe()).isEqualTo("WorkerLost: worker 1 lost: the data connection from"
                    + " worker 0 to it ended (connection to worker 1 lost: java.net.SocketException: Connection reset)");
            assertThat(ended.restarting()).isTrue();
            assertThat(host.completedCheckpoints()).as("the pending checkpoint was aborted").doesNotContain(id);
            assertThat(workers.get(1).await("cancel")).isEqualTo("cancel");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void endOfDataLostOnTheWayIsLearnedFromHeartbeatsAndTheJobFinishes(String kind) throws Exception {
        try (Host host = host(kind)) {
            List<ScriptedWorker> workers = host.start();
            workers.forEach(w -> w.autoAcknowledge(true).endOfData(false));

            for (ScriptedWorker worker : workers) {
                assertThat(worker.await("finish")).as("after the final checkpoint").isEqualTo("finish");
            }
            workers.forEach(ScriptedWorker::finished);
            Ended ended = host.awaitEnd();
            assertThat(ended.finished()).isTrue();
            assertThat(host.completedCheckpoints()).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void lateAcknowledgementsOfAnAbortedCheckpointAreIgnored(String kind) throws Exception {
        try (Host host = host(kind)) {
            List<ScriptedWorker> workers = host.start();
            long id = triggered(workers.get(0).await("trigger "));
            workers.get(0).acknowledge(id);
            assertThat(workers.get(1).await("abort " + id)).as("timed out").isNotNull();
            workers.get(1).acknowledge(id);
            workers.forEach(w -> w.autoAcknowledge(true));

            long later = host.awaitCompletedCheckpoint();
            assertThat(later).isGreaterThan(id);
            assertThat(host.completedCheckpoints()).doesNotContain(id).contains(later);
            assertThat(host.failure()).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void checkpointOneWorkerNeverAcknowledgesIsAbortedAsStalledLongBeforeItsTimeout(String kind) throws Exception {
        try (Host host = host(kind, STALL_GUARDED)) {
            List<ScriptedWorker> workers = host.start();
            long id = triggered(workers.get(0).await("trigger "));
            workers.get(0).acknowledge(id);
            // Worker 1 never acknowledges it (its trigger or its barrier got lost on the way, say).

            assertThat(workers.get(1).await("abort " + id)).as("stalled: no ack for 300 ms; the timeout is 60 s")
                    .isNotNull();
            long next = triggered(workers.get(0).await("trigger "));
            assertThat(next).isEqualTo(id + 1);
            workers.forEach(w -> w.acknowledge(next));
            assertThat(host.awaitCompletedCheckpoint()).isEqualTo(next);
            assertThat(host.failure()).as("a stall is a retry, not a failure of the job").isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void savepointWhileFinishingIsRefusedAndTheJobFinishes(String kind) throws Exception {
        try (Host host = host(kind)) {
            List<ScriptedWorker> workers = host.start();
            workers.forEach(w -> w.endOfData(true));
            long id = triggered(workers.get(0).await("trigger "));

            Throwable refused = host.savepoint().handle((ok, error) -> error).get(10, TimeUnit.SECONDS);
            assertThat(refused).as("no savepoint of a job whose input has ended").isNotNull();
            assertThat(refused.getMessage()).contains("finishing");
            workers.forEach(w -> w.autoAcknowledge(true));
            workers.forEach(w -> w.acknowledge(id));
            for (ScriptedWorker worker : workers) {
                assertThat(worker.await("finish")).isEqualTo("finish");
            }
            workers.forEach(ScriptedWorker::finished);
            assertThat(host.awaitEnd().finished()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void aWorkerThatCannotLoadTheJobEndsItWithoutARestart(String kind) throws Exception {
        try (Host host = host(kind)) {
            List<ScriptedWorker> workers = host.start();
            workers.get(1).reportFailure(new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS,
                    "job class 'com.example.Missing' was not found"));

            Ended ended = host.awaitEnd();
            assertThat(ended.failure().recoverable()).isFalse();
            assertThat(ended.failure().unrecoverable()).isEqualTo(UnrecoverableJobException.Kind.JOB_CLASS);
            assertThat(ended.failure().describe()).isEqualTo("worker 1: job class 'com.example.Missing' was not found");
            assertThat(ended.restarting()).isFalse();
            assertThat(workers.get(0).await("cancel")).isNotNull();
        }
    }

    private static long triggered(String message) {
        assertThat(message).as("a checkpoint was triggered").startsWith("trigger ");
        return Long.parseLong(message.substring("trigger ".length()));
    }

    /** How the attempt ended as a host reports it. {@code restarting}: the host would start another attempt. */
    record Ended(boolean finished, AttemptFailure failure, boolean restarting) {}

    /** One host of the attempt coordinator, running a two-worker job of scripted workers. */
    interface Host extends AutoCloseable {

        /** Starts attempt 1; returns its two workers, registered, their tasks running and sending heartbeats. */
        List<ScriptedWorker> start() throws Exception;

        Ended awaitEnd() throws Exception;

        CompletableFuture<?> savepoint();

        /** Ids of the checkpoints whose _metadata is in the job's storage. */
        List<Long> completedCheckpoints() throws Exception;

        /** Waits for a checkpoint to complete; returns its id. */
        long awaitCompletedCheckpoint() throws Exception;

        /** Why the attempt failed; null while healthy. */
        AttemptFailure failure();

        @Override
        void close() throws Exception;
    }

    static List<ScriptedWorker> startWorkers(java.net.URI coordinator, String job, long attempt) throws Exception {
        List<ScriptedWorker> workers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            // Worker 0 says that its tasks run with events, worker 1 only in its heartbeats.
            workers.add(new ScriptedWorker(coordinator, TOKEN, job, attempt, i, Topologies.keyedCount(2)).register()
                    .tasksRunning(i == 0).heartbeatEvery(100));
        }
        return workers;
    }

    static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not reached within 30 s");
            }
            Thread.sleep(20);
        }
    }

    /** {@code weir local}'s host: a job master whose deployer starts scripted workers. */
    static final class LocalHost implements Host, JobDeployer, JobMasterListener {
        private final CheckpointStorage storage;
        private final CoordinatorServer server;
        private final JobMaster master;
        private final List<ScriptedWorker> workers = new CopyOnWriteArrayList<>();
        private final CompletableFuture<List<ScriptedWorker>> started = new CompletableFuture<>();
        private final CompletableFuture<Ended> ended = new CompletableFuture<>();
        private final List<CompletedCheckpointStats> completed = new CopyOnWriteArrayList<>();
        private volatile AttemptCoordinator attempt;

        LocalHost(Path dir, CheckpointConfig checkpoints) throws Exception {
            storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), "weir/local/scenario");
            server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            master = new JobMaster(new JobMaster.Settings("scenario", 2, 128, checkpoints,
                    new RestartStrategy.Settings(60_000, 60_000, 1, 3, 600_000)), storage, this, Clock.system(), this);
        }

        @Override
        public List<ScriptedWorker> start() throws Exception {
            CompletableFuture.runAsync(() -> {
                try {
                    JobResult result = master.run(null);
                    ended.complete(new Ended(result.state() == JobResult.JobState.FINISHED, result.cause(), false));
                } catch (Throwable t) {
                    ended.completeExceptionally(t);
                }
            });
            return started.get(30, TimeUnit.SECONDS);
        }

        @Override
        public Workers workers() {
            return new Workers(2, HEARTBEAT_TIMEOUT, Duration.ofSeconds(30),
                    registration -> WorkerClient.forWorker(registration, TOKEN));
        }

        @Override
        public Deployment deploy(long number, RestoreTarget restore, AttemptCoordinator coordinator) throws Exception {
            attempt = coordinator;
            server.register("scenario", TOKEN, coordinator.endpoint());
            List<ScriptedWorker> mine = startWorkers(server.baseUri(), "scenario", number);
            workers.addAll(mine);
            started.complete(mine);
            // Scripted workers stay up until the host closes, to tell what reached them after the end.
            return new Deployment() {
                @Override
                public void stop() {
                }

                @Override
                public boolean awaitTermination(Duration timeout) {
                    return true;
                }
            };
        }

        @Override
        public void onRestarting(long nextAttempt, String cause, long delayMs) {
            ended.complete(new Ended(false, attempt.failure(), true));
        }

        @Override
        public void onCheckpointCompleted(CompletedCheckpointStats stats) {
            completed.add(stats);
        }

        @Override
        public Ended awaitEnd() throws Exception {
            return ended.get(30, TimeUnit.SECONDS);
        }

        @Override
        public CompletableFuture<?> savepoint() {
            return master.triggerSavepoint();
        }

        @Override
        public List<Long> completedCheckpoints() throws Exception {
            return storage.completedCheckpointIds();
        }

        @Override
        public long awaitCompletedCheckpoint() throws Exception {
            await(() -> !completed.isEmpty(), "a completed checkpoint");
            return completed.get(0).checkpointId();
        }

        @Override
        public AttemptFailure failure() {
            return attempt.failure();
        }

        @Override
        public void close() {
            master.cancel();
            workers.forEach(ScriptedWorker::close);
            server.close();
            storage.close();
        }
    }

    /** The operator's host: its job runtime, with the job's storage in S3Proxy. */
    static final class OperatorHost implements Host {
        private static final JobKey JOB = new JobKey("jobs", "scenario");
        private final EmbeddedS3Server s3;
        private final CoordinatorServer server;
        private final CoordinatorJobRuntime runtime;
        private final List<ScriptedWorker> workers = new ArrayList<>();
        private final CheckpointConfig checkpoints;

        OperatorHost(CheckpointConfig checkpoints) throws Exception {
            this.checkpoints = checkpoints;
            s3 = EmbeddedS3Server.startInMemory();
            new S3ObjectStore(s3.settings("weir")).ensureBucket();
            server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            runtime = new CoordinatorJobRuntime(server, server.baseUri().toString());
        }

        @Override
        public List<ScriptedWorker> start() throws Exception {
            runtime.ensureAttempt(new AttemptPlan(JOB, 1, 2, 128, checkpoints, HEARTBEAT_TIMEOUT, storage(), TOKEN, null),
                    Set.of());
            workers.addAll(startWorkers(server.baseUri(), JOB.coordinatorJobName(), 1));
            return workers;
        }

        private StorageAccess storage() {
            return new StorageAccess(s3.settings("weir"), "weir/jobs/scenario");
        }

        @Override
        public Ended awaitEnd() throws Exception {
            await(() -> view().finished() || view().failure() != null, "the attempt's end");
            AttemptView view = view();
            // The reconciler restarts what is recoverable (StreamJobLifecycleTest), and fails the rest.
            return new Ended(view.finished(), view.failure(), view.failure() != null && view.failure().recoverable());
        }

        private AttemptView view() {
            return runtime.observe(JOB, 1);
        }

        @Override
        public CompletableFuture<?> savepoint() {
            return CompletableFuture.supplyAsync(() -> {
                SavepointState state = runtime.savepoint(JOB, 1, "scenario-savepoint");
                while (state.progress() == SavepointState.Progress.IN_PROGRESS) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    state = runtime.savepoint(JOB, 1, "scenario-savepoint");
                }
                if (state.progress() == SavepointState.Progress.FAILED) {
                    throw new IllegalStateException(state.failure());
                }
                return state;
            });
        }

        @Override
        public List<Long> completedCheckpoints() throws Exception {
            try (CheckpointStorage storage = new CheckpointStorage(new S3ObjectStore(s3.settings("weir")),
                    storage().basePath())) {
                return storage.completedCheckpointIds();
            }
        }

        @Override
        public long awaitCompletedCheckpoint() throws Exception {
            await(() -> view().lastCheckpoint() != null, "a completed checkpoint");
            return view().lastCheckpoint().id();
        }

        @Override
        public AttemptFailure failure() {
            return view().failure();
        }

        @Override
        public void close() throws Exception {
            runtime.close();
            workers.forEach(ScriptedWorker::close);
            server.close();
            s3.close();
        }
    }
}
