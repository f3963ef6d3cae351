package dev.weir.coordinator.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.exec.TaskListener;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.TaskEvent;

class TaskListenerEndpointTest {

    private static final ExecutionVertexId VERTEX = new ExecutionVertexId("counts", 0);

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final TaskListenerEndpoint endpoint =
            new TaskListenerEndpoint(new PeerRegistry(2, 1, () -> 0L), new RecordingListener());

    @Test
    void remoteReportsReachTheTaskListenerLikeLocalOnes() {
        endpoint.acknowledge(new Acknowledge(2, new TaskAcknowledgement(5, VERTEX, Map.of())));
        endpoint.decline(new Decline(2, 6, VERTEX, "upload failed"));
        endpoint.taskEvent(new TaskEvent(2, VERTEX, TaskEvent.Kind.END_OF_DATA, null));
        endpoint.taskEvent(new TaskEvent(2, VERTEX, TaskEvent.Kind.FINISHED, null));
        endpoint.taskEvent(new TaskEvent(2, VERTEX, TaskEvent.Kind.FAILED, "java.io.IOException: disk full"));

        assertThat(calls).containsExactly("ack 5 counts#0", "decline 6 counts#0 upload failed", "endOfData counts#0",
                "finished counts#0", "failed counts#0 java.io.IOException: disk full");
    }

    @Test
    void endedTasksInHeartbeatsReachTheListenerOnceEach() {
        // Heartbeats repeat what END_OF_DATA said: a coordinator that took over running workers learns it from them.
        endpoint.heartbeat(new Heartbeat(2, 0, 1, 0, 0, 0, List.of(VERTEX)));
        endpoint.heartbeat(new Heartbeat(2, 0, 2, 0, 0, 0, List.of(VERTEX)));
        endpoint.taskEvent(new TaskEvent(2, VERTEX, TaskEvent.Kind.END_OF_DATA, null));

        assertThat(calls).containsExactly("endOfData counts#0");
    }

    @Test
    void reportsOfAnotherAttemptAreStaleAndDropped() {
        assertThatThrownBy(() -> endpoint.taskEvent(new TaskEvent(1, VERTEX, TaskEvent.Kind.FAILED, "old")))
                .isInstanceOf(StaleAttemptException.class);
        assertThatThrownBy(() -> endpoint.peers(3)).isInstanceOf(StaleAttemptException.class);
        assertThat(calls).isEmpty();
    }

    private final class RecordingListener implements TaskListener {
        @Override
        public void acknowledgeCheckpoint(TaskAcknowledgement a) {
            calls.add("ack " + a.checkpointId() + " " + a.vertex());
        }

        @Override
        public void declineCheckpoint(long checkpointId, ExecutionVertexId vertex, String reason) {
            calls.add("decline " + checkpointId + " " + vertex + " " + reason);
        }

        @Override
        public void endOfData(ExecutionVertexId vertex) {
            calls.add("endOfData " + vertex);
        }

        @Override
        public void finished(ExecutionVertexId vertex) {
            calls.add("finished " + vertex);
        }

        @Override
        public void failed(ExecutionVertexId vertex, Throwable cause) {
            calls.add("failed " + vertex + " " + cause.getMessage());
        }
    }
}
