package dev.weir.coordinator.remote;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.exec.TaskListener;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/**
 * One attempt's endpoint: discovery and heartbeats go to its {@link PeerRegistry}, task reports to the
 * {@link TaskListener} the job master handed to the deployer, so remote tasks report exactly like
 * in-process ones. Anything for another attempt is stale (410).
 */
public final class TaskListenerEndpoint implements AttemptEndpoint {

    private final PeerRegistry registry;
    private final TaskListener listener;
    private final Set<ExecutionVertexId> ended = ConcurrentHashMap.newKeySet();

    public TaskListenerEndpoint(PeerRegistry registry, TaskListener listener) {
        this.registry = registry;
        this.listener = listener;
    }

    @Override
    public PeerList register(WorkerRegistration registration) {
        return registry.register(registration);
    }

    @Override
    public PeerList peers(long attempt) {
        checkAttempt(attempt);
        return registry.peers();
    }

    @Override
    public void acknowledge(Acknowledge acknowledge) {
        checkAttempt(acknowledge.attempt());
        listener.acknowledgeCheckpoint(acknowledge.ack());
    }

    @Override
    public void decline(Decline decline) {
        checkAttempt(decline.attempt());
        listener.declineCheckpoint(decline.checkpointId(), decline.vertex(), decline.reason());
    }

    @Override
    public void taskEvent(TaskEvent event) {
        checkAttempt(event.attempt());
        switch (event.kind()) {
            case END_OF_DATA:
                endOfData(event.vertex());
                break;
            case FINISHED:
                listener.finished(event.vertex());
                break;
            case FAILED:
                listener.failed(event.vertex(), new RemoteTaskFailure(event.error()));
                break;
            default:
                throw new IllegalArgumentException("unknown task event " + event.kind());
        }
    }

    /** The tasks that ended, as the heartbeat repeats them, reach the listener once each like END_OF_DATA events. */
    @Override
    public void heartbeat(Heartbeat heartbeat) {
        registry.recordHeartbeat(heartbeat);
        heartbeat.endedVertices().forEach(this::endOfData);
    }

    private void endOfData(ExecutionVertexId vertex) {
        if (ended.add(vertex)) {
            listener.endOfData(vertex);
        }
    }

    private void checkAttempt(long attempt) {
        if (attempt != registry.attempt()) {
            throw new StaleAttemptException(attempt, registry.attempt());
        }
    }

    /** A task failure reported by a worker: only its description crosses the wire, not the exception. */
    public static final class RemoteTaskFailure extends RuntimeException {
        public RemoteTaskFailure(String description) {
            super(description == null ? "task failed (no description)" : description);
        }
    }
}
