package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.weir.coordinator.remote.WorkerClient;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.testing.HostileClients;

/**
 * A worker's control port under requests whose headers never end (issue 13 §2): the
 * coordinator's commands, sent as in production (one try, no retry), must still get through.
 */
class WorkerControlServerHostileClientTest {

    private static final String TOKEN = "s3cr3t-job-token-7f1c";

    private final RecordingWorkerHandler handler = new RecordingWorkerHandler();
    private final HostileClients attacker = new HostileClients();
    private WorkerControlServer server;

    @BeforeEach
    void start() throws IOException {
        server = WorkerControlServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, handler);
    }

    @AfterEach
    void stop() {
        attacker.close();
        server.close();
    }

    @Test
    void halfSentRequestsDoNotKeepTriggersOut() throws Exception {
        WorkerClient coordinator = new WorkerClient(server.baseUri(), TOKEN);
        coordinator.triggerCheckpoint(new TriggerCheckpoint(1, 10, CheckpointType.CHECKPOINT));

        attacker.halfSentRequests(server.address(), WorkerControlServer.TRIGGER, 64);
        coordinator.triggerCheckpoint(new TriggerCheckpoint(2, 20, CheckpointType.CHECKPOINT));
        coordinator.notifyCheckpointComplete(2);

        assertThat(handler.calls).containsExactly("trigger 1 10 CHECKPOINT", "trigger 2 20 CHECKPOINT", "complete 2");
    }

    @Test
    void triggersGetThroughToAWorkerAttackedBeforeItsCoordinatorFirstCalls() throws Exception {
        attacker.halfSentRequests(server.address(), WorkerControlServer.TRIGGER, 64);
        attacker.silent(server.address(), 16);

        new WorkerClient(server.baseUri(), TOKEN).triggerCheckpoint(new TriggerCheckpoint(1, 10, CheckpointType.CHECKPOINT));

        assertThat(handler.calls).containsExactly("trigger 1 10 CHECKPOINT");
    }
}
