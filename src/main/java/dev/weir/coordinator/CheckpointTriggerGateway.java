package dev.weir.coordinator;

import java.util.concurrent.CompletableFuture;

import dev.weir.runtime.checkpoint.CheckpointBarrier;

/**
 * The coordinator's way to the tasks of one job attempt. Implementations must not block for long
 * (they send messages) and must not assume ordering between calls made from different threads:
 * a task may see "aborted n" before "trigger n" and must then ignore the trigger's ack, which
 * the coordinator drops anyway.
 */
public interface CheckpointTriggerGateway {

    /**
     * Asks every source subtask to inject {@code barrier} and returns at once: the future completes
     * when every worker took the trigger and fails if one could not be told. The coordinator's
     * threads never wait on a slow worker (a starved or collecting JVM answers late, not never).
     */
    CompletableFuture<Void> triggerCheckpoint(CheckpointBarrier barrier);

    /** Tells every subtask that the checkpoint is complete (sinks commit); best effort. */
    void notifyCheckpointComplete(long checkpointId);

    /** Tells every subtask that the checkpoint was aborted; best effort. */
    void notifyCheckpointAborted(long checkpointId);
}
