package dev.weir.runtime.worker;

import dev.weir.runtime.worker.protocol.TriggerCheckpoint;

/**
 * What the coordinator asks of a worker. Called on the control server's threads: implementations
 * hand the request to the tasks (their mailboxes) and return; they must not wait for the tasks.
 */
public interface WorkerControlHandler {

    /** Inject the barrier at this worker's source subtasks. */
    void triggerCheckpoint(TriggerCheckpoint trigger);

    /** Best effort; a higher id covers all lower ones. */
    void notifyCheckpointComplete(long checkpointId);

    void notifyCheckpointAborted(long checkpointId);

    /** After the final checkpoint: let the sources end and the tasks exit. */
    void finish();

    /** Stop every task of this worker now. */
    void cancel();
}
