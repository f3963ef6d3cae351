package dev.weir.coordinator;

import java.io.IOException;

import dev.weir.runtime.worker.protocol.TriggerCheckpoint;

/**
 * The coordinator's line to one worker: its control endpoint over HTTP, or the tasks of this
 * process directly. Calls may block briefly (a request) and fail with an {@link IOException};
 * whether a failure matters is the caller's decision, so implementations do not retry for long.
 */
public interface WorkerGateway {

    /** Asks the worker's source subtasks to inject the barrier. */
    void triggerCheckpoint(TriggerCheckpoint trigger) throws IOException;

    void notifyCheckpointComplete(long checkpointId) throws IOException;

    void notifyCheckpointAborted(long checkpointId) throws IOException;

    /** After the final checkpoint: the worker's sources end and its tasks exit. */
    void finish() throws IOException;

    /** Stops the worker's tasks; nothing they run commits afterwards. */
    void cancel() throws IOException;

    /** Where the worker is, for log lines. */
    String describe();
}
