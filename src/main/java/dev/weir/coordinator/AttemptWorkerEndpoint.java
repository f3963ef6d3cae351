package dev.weir.coordinator;

import java.util.function.Function;

import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.HeartbeatReply;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.PeerLost;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.WorkerFailure;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/**
 * An attempt's side of the control plane, as its workers see it: refuses messages of other
 * attempts and registrations of another job graph, answers registrations, peer lists and
 * heartbeats at once from the {@link PeerRegistry}, passes acknowledgements straight to the
 * checkpoint coordinator, and everything else to the {@link AttemptCoordinator}'s mailbox.
 */
final class AttemptWorkerEndpoint implements AttemptEndpoint {

    private final AttemptCoordinator.Settings settings;
    private final PeerRegistry registry;
    private final Function<WorkerRegistration, WorkerGateway> gateways;
    private final AttemptCoordinator coordinator;
    private final Object registrationLock = new Object();

    /**
     * @param gateways how to reach a worker that registered over the control plane; null when workers
     *     register in this process with their own gateway
     */
    AttemptWorkerEndpoint(AttemptCoordinator.Settings settings, PeerRegistry registry,
                          Function<WorkerRegistration, WorkerGateway> gateways, AttemptCoordinator coordinator) {
        this.settings = settings;
        this.registry = registry;
        this.gateways = gateways;
        this.coordinator = coordinator;
    }

    @Override
    public PeerList register(WorkerRegistration registration) {
        if (gateways == null) {
            throw new IllegalArgumentException("workers of this attempt run in the coordinator's process");
        }
        return register(registration, gateways.apply(registration));
    }

    /** A registration whose graph cannot join the others' is refused (409) and fails the attempt. */
    PeerList register(WorkerRegistration registration, WorkerGateway gateway) {
        checkAttempt(registration.attempt());
        PeerList peers;
        synchronized (registrationLock) {
            String problem = GraphAgreement.check(registration, settings.parallelism(), settings.maxParallelism());
            if (problem == null) {
                problem = GraphAgreement.differentGraph(registration, registry.peers().workers(),
                        settings.parallelism(), settings.maxParallelism());
            }
            if (problem != null) {
                coordinator.graphMismatch(problem);
                throw new RegistrationConflictException(problem);
            }
            peers = registry.register(registration);
        }
        coordinator.registered(registration, gateway);
        return released(peers);
    }

    @Override
    public PeerList peers(long attempt) {
        checkAttempt(attempt);
        return released(registry.peers());
    }

    /** Nobody yet while the previous attempt's workers are still stopping: workers wait for their peers. */
    private PeerList released(PeerList peers) {
        return coordinator.peersReleased() ? peers : new PeerList(peers.attempt(), java.util.List.of());
    }

    @Override
    public void acknowledge(Acknowledge acknowledge) {
        checkAttempt(acknowledge.attempt());
        CheckpointCoordinator checkpoints = coordinator.checkpoints();
        if (checkpoints != null) {
            checkpoints.acknowledge(acknowledge.ack());
        }
    }

    @Override
    public void decline(Decline decline) {
        checkAttempt(decline.attempt());
        CheckpointCoordinator checkpoints = coordinator.checkpoints();
        if (checkpoints != null) {
            checkpoints.decline(decline.checkpointId(), decline.vertex(), decline.reason());
        }
    }

    @Override
    public void taskEvent(TaskEvent event) {
        checkAttempt(event.attempt());
        coordinator.taskReported(event);
    }

    @Override
    public HeartbeatReply heartbeat(Heartbeat heartbeat) {
        registry.recordHeartbeat(heartbeat);
        coordinator.heartbeatReceived(heartbeat);
        return registry.isRegistered(heartbeat.worker()) ? HeartbeatReply.KNOWN : HeartbeatReply.UNKNOWN;
    }

    @Override
    public void workerFailed(WorkerFailure failure) {
        checkAttempt(failure.attempt());
        coordinator.workerFailed(failure);
    }

    @Override
    public void peerLost(PeerLost report) {
        checkAttempt(report.attempt());
        if (report.peer() < 0 || report.peer() >= settings.workers() || report.peer() == report.worker()) {
            throw new IllegalArgumentException("worker " + report.worker() + " reported a lost peer " + report.peer()
                    + ", which is not another worker of attempt " + settings.attempt());
        }
        coordinator.peerLost(report);
    }

    private void checkAttempt(long other) {
        if (other != settings.attempt()) {
            throw new StaleAttemptException(other, settings.attempt());
        }
    }
}
