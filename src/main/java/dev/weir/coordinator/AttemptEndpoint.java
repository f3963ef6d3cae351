package dev.weir.coordinator;

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
 * The coordinator side of one job as its workers see it. The endpoint knows which attempt is current
 * and throws {@link StaleAttemptException} (410) for any other, {@link RegistrationConflictException}
 * (409) for a clashing registration and {@link IllegalArgumentException} (400) for a bad message.
 * The server has already checked the job token and that each message's attempt matches its URL.
 * Called on server threads, concurrently: implementations hand work off and return.
 */
public interface AttemptEndpoint {

    /** Records the worker and returns everyone registered so far. */
    PeerList register(WorkerRegistration registration);

    PeerList peers(long attempt);

    void acknowledge(Acknowledge acknowledge);

    void decline(Decline decline);

    void taskEvent(TaskEvent event);

    /** Records the heartbeat; the reply asks a worker this endpoint does not know yet to register again. */
    HeartbeatReply heartbeat(Heartbeat heartbeat);

    /** The worker cannot run its part of the attempt. */
    void workerFailed(WorkerFailure failure);

    /** A worker's data connection to another worker ended: that worker is most likely gone. */
    void peerLost(PeerLost report);
}
