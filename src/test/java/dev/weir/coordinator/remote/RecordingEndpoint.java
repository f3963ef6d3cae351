package dev.weir.coordinator.remote;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.weir.coordinator.AttemptEndpoint;
import dev.weir.coordinator.PeerRegistry;
import dev.weir.coordinator.StaleAttemptException;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.HeartbeatReply;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.PeerLost;
import dev.weir.runtime.worker.protocol.WorkerFailure;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/** An endpoint whose current attempt a test can move on, recording every message it accepted. */
final class RecordingEndpoint implements AttemptEndpoint {

    final List<Object> received = new CopyOnWriteArrayList<>();
    volatile PeerRegistry registry;

    RecordingEndpoint(long attempt, int parallelism) {
        newAttempt(attempt, parallelism);
    }

    void newAttempt(long attempt, int parallelism) {
        registry = new PeerRegistry(attempt, parallelism, System::currentTimeMillis);
    }

    @Override
    public PeerList register(WorkerRegistration registration) {
        PeerList peers = registry.register(registration);
        received.add(registration);
        return peers;
    }

    @Override
    public PeerList peers(long attempt) {
        current(attempt);
        return registry.peers();
    }

    @Override
    public void acknowledge(Acknowledge acknowledge) {
        current(acknowledge.attempt());
        received.add(acknowledge);
    }

    @Override
    public void decline(Decline decline) {
        current(decline.attempt());
        received.add(decline);
    }

    @Override
    public void taskEvent(TaskEvent event) {
        current(event.attempt());
        received.add(event);
    }

    @Override
    public HeartbeatReply heartbeat(Heartbeat heartbeat) {
        registry.recordHeartbeat(heartbeat);
        received.add(heartbeat);
        return registry.isRegistered(heartbeat.worker()) ? HeartbeatReply.KNOWN : HeartbeatReply.UNKNOWN;
    }

    @Override
    public void workerFailed(WorkerFailure failure) {
        current(failure.attempt());
        received.add(failure);
    }

    @Override
    public void peerLost(PeerLost report) {
        current(report.attempt());
        received.add(report);
    }

    private void current(long attempt) {
        if (attempt != registry.attempt()) {
            throw new StaleAttemptException(attempt, registry.attempt());
        }
    }
}
