package dev.weir.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.local.EmbeddedS3Server;
import dev.weir.operator.JobKey;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.worker.WorkerControlHandler;
import dev.weir.runtime.worker.WorkerControlServer;
import dev.weir.runtime.worker.protocol.CoordinatorRoutes;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.HeartbeatReply;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.BearerToken;
import dev.weir.runtime.worker.transport.JsonHttpClient;
import dev.weir.testing.Topologies;

/**
 * The real runtime against S3Proxy and two workers' control endpoints that record what the
 * coordinator tells them: how it takes over running workers and how it lets go of them.
 */
class CoordinatorJobRuntimeIT {

    private static final String TOKEN = "token-of-the-job";
    private static final JobKey JOB = new JobKey("jobs", "counts");

    private EmbeddedS3Server s3;
    private CoordinatorServer server;
    private CoordinatorJobRuntime runtime;
    private final Worker w0 = new Worker();
    private final Worker w1 = new Worker();

    @BeforeEach
    void start() throws Exception {
        s3 = EmbeddedS3Server.startInMemory();
        new S3ObjectStore(s3.settings("weir")).ensureBucket();
        server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        runtime = new CoordinatorJobRuntime(server, server.baseUri().toString(), Duration.ofSeconds(30));
        w0.start();
        w1.start();
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        server.close();
        w0.close();
        w1.close();
        s3.close();
    }

    @Test
    void reattachedCoordinatorWaitsForEveryWorkerAndContinuesAboveTheIdsTheyReport() throws Exception {
        runtime.ensureAttempt(plan(), Set.of(0, 1));

        reattach(w0, 0, 41);
        assertThat(w0.messages.poll(1, TimeUnit.SECONDS)).as("no checkpoint before every worker was heard").isNull();
        reattach(w1, 1, 39);

        assertThat(w0.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("trigger 42");
        assertThat(w1.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("trigger 42");
    }

    @Test
    void detachingLeavesTheWorkersAloneWhileStoppingCancelsThem() throws Exception {
        runtime.ensureAttempt(plan(), Set.of());
        register(w0, 0);
        register(w1, 1);
        heartbeat(0, 0);
        heartbeat(1, 0);
        assertThat(w0.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("trigger 1");
        w1.messages.poll(10, TimeUnit.SECONDS);

        runtime.detachAll();
        assertThat(runtime.observe(JOB, 1).hosted()).isFalse();
        // Checkpoint 1 is still pending (nobody acknowledges here): a detaching coordinator neither aborts it nor cancels.
        assertThat(w0.messages.poll(2, TimeUnit.SECONDS)).isNull();
        assertThat(w1.messages).isEmpty();

        runtime.ensureAttempt(plan(), Set.of(0, 1));
        reattach(w0, 0, 1);
        reattach(w1, 1, 1);
        assertThat(w0.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("trigger 2");
        w1.messages.poll(10, TimeUnit.SECONDS);
        runtime.stopAttempt(JOB);
        assertThat(nextCancel(w0)).isTrue();
        assertThat(nextCancel(w1)).isTrue();
    }

    /** Whether "cancel" arrives soon (after the abort of a pending checkpoint, if that got through). */
    private static boolean nextCancel(Worker worker) throws InterruptedException {
        for (String message = worker.messages.poll(10, TimeUnit.SECONDS); message != null;
             message = worker.messages.poll(10, TimeUnit.SECONDS)) {
            if (message.equals("cancel")) {
                return true;
            }
        }
        return false;
    }

    private AttemptPlan plan() {
        CheckpointConfig checkpoints = new CheckpointConfig(100, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 2, 3);
        return new AttemptPlan(JOB, 1, 2, 128, checkpoints, new StorageAccess(s3.settings("weir"), "weir/jobs/counts"), TOKEN, null);
    }

    /**
     * What a running worker does when its heartbeat reaches a coordinator that took over: the reply
     * says it is unknown, and it registers again.
     */
    private void reattach(Worker worker, int index, long highestCheckpointId) throws Exception {
        assertThat(heartbeat(index, highestCheckpointId).registered()).isFalse();
        register(worker, index);
        assertThat(heartbeat(index, highestCheckpointId).registered()).isTrue();
    }

    private void register(Worker worker, int index) throws Exception {
        http().post(uri(CoordinatorRoutes.REGISTER), worker.registration(index), PeerList.class);
    }

    /** What a running worker sends every second, here to the runtime's server: its tasks run. */
    private HeartbeatReply heartbeat(int worker, long highestCheckpointId) throws Exception {
        List<ExecutionVertexId> tasks = Topologies.keyedCount(2).subtasksOfWorker(worker);
        return http().post(uri(CoordinatorRoutes.HEARTBEAT),
                new Heartbeat(1, worker, System.currentTimeMillis(), 0, 0, highestCheckpointId, tasks, List.of()),
                HeartbeatReply.class);
    }

    private URI uri(String action) {
        return server.baseUri().resolve(CoordinatorRoutes.attemptPath(JOB.coordinatorJobName(), 1, action));
    }

    private static JsonHttpClient http() {
        return new JsonHttpClient(BearerToken.of(TOKEN), JsonHttpClient.Settings.defaults());
    }

    /** A worker's control endpoint that records each message the coordinator sends. */
    private static final class Worker implements WorkerControlHandler, AutoCloseable {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private WorkerControlServer control;

        void start() throws Exception {
            control = WorkerControlServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, this);
        }

        WorkerRegistration registration(int worker) {
            return Topologies.worker(JOB.coordinatorJobName(), 1, worker, 2, "127.0.0.1", control.address().getPort(), 1);
        }

        @Override
        public void triggerCheckpoint(TriggerCheckpoint trigger) {
            messages.add("trigger " + trigger.checkpointId());
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            messages.add("complete " + checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) {
            messages.add("abort " + checkpointId);
        }

        @Override
        public void finish() {
            messages.add("finish");
        }

        @Override
        public void cancel() {
            messages.add("cancel");
        }

        @Override
        public void close() {
            control.close();
        }
    }
}
