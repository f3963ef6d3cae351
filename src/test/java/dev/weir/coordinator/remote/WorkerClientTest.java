package dev.weir.coordinator.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.worker.RecordingWorkerHandler;
import dev.weir.runtime.worker.WorkerControlServer;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.ControlPlaneException;
import dev.weir.runtime.worker.transport.JsonHttpClient;

class WorkerClientTest {

    private static final String TOKEN = "worker-token-55aa";

    private final RecordingWorkerHandler handler = new RecordingWorkerHandler();
    private WorkerControlServer worker;

    @BeforeEach
    void start() throws IOException {
        worker = WorkerControlServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, handler);
    }

    @AfterEach
    void stop() {
        worker.close();
    }

    @Test
    void everyCommandReachesTheWorker() throws Exception {
        WorkerClient client = WorkerClient.forWorker(
                new WorkerRegistration("job", 1, 0, "127.0.0.1", worker.address().getPort(), 9000, null, null), TOKEN);

        client.triggerCheckpoint(new TriggerCheckpoint(12, 777, CheckpointType.SAVEPOINT));
        client.notifyCheckpointComplete(12);
        client.notifyCheckpointAborted(13);
        client.finish();
        client.cancel();

        assertThat(handler.calls).containsExactly("trigger 12 777 SAVEPOINT", "complete 12", "abort 13", "finish", "cancel");
    }

    @Test
    void triggerAnsweredLateIsTriedAgain() throws Exception {
        JsonHttpClient.Settings settings =
                new JsonHttpClient.Settings(Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ofMillis(50));
        WorkerClient client = new WorkerClient(worker.baseUri(), TOKEN, settings, null);
        handler.triggerDelaysMs.add(1_500L); // the first answer comes after the client gave up on it

        client.triggerCheckpoint(new TriggerCheckpoint(12, 777, CheckpointType.CHECKPOINT));

        // The worker saw the trigger more than once; its source tasks inject the barrier once.
        assertThat(handler.calls).contains("trigger 12 777 CHECKPOINT");
    }

    @Test
    void triggerNeverAnsweredInTimeFailsAfterItsTries() {
        JsonHttpClient.Settings settings =
                new JsonHttpClient.Settings(Duration.ofSeconds(1), Duration.ofMillis(300), 1, Duration.ofMillis(50));
        WorkerClient client = new WorkerClient(worker.baseUri(), TOKEN, settings, null);
        for (int i = 0; i < 3; i++) {
            handler.triggerDelaysMs.add(1_200L);
        }

        assertThatThrownBy(() -> client.triggerCheckpoint(new TriggerCheckpoint(13, 1, CheckpointType.CHECKPOINT)))
                .isInstanceOfSatisfying(ControlPlaneException.class,
                        e -> assertThat(e.status()).isEqualTo(ControlPlaneException.UNREACHABLE));
    }

    @Test
    void wrongTokenSurfacesAsUnauthorized() {
        WorkerClient client = new WorkerClient(worker.baseUri(), "other-job-token");

        assertThatThrownBy(() -> client.notifyCheckpointComplete(1))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.isUnauthorized()).isTrue())
                .hasMessageNotContaining("other-job-token");
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void handlerFailureSurfacesWithTheWorkersReason() {
        handler.failWith = new IllegalStateException("task counts#0 is not running");

        assertThatThrownBy(() -> new WorkerClient(worker.baseUri(), TOKEN).finish())
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.status()).isEqualTo(500))
                .hasMessageContaining("task counts#0 is not running");
    }

    @Test
    void unreachableWorkerFailsFast() {
        URI gone = worker.baseUri();
        worker.close();

        long start = System.nanoTime();
        assertThatThrownBy(() -> new WorkerClient(gone, TOKEN).cancel())
                .isInstanceOfSatisfying(ControlPlaneException.class,
                        e -> assertThat(e.status()).isEqualTo(ControlPlaneException.UNREACHABLE));
        assertThat(System.nanoTime() - start).isLessThan(3_000_000_000L);
    }
}
