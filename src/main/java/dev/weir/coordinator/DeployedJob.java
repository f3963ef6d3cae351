package dev.weir.coordinator;

import java.time.Duration;
import java.util.Set;

import dev.weir.runtime.checkpoint.ExecutionVertexId;

/** One running attempt of a job, wherever its tasks run (threads here, worker processes, pods). */
public interface DeployedJob extends CheckpointTriggerGateway {

    /** Every subtask that must acknowledge a checkpoint. */
    Set<ExecutionVertexId> vertices();

    /** After the final checkpoint: let the sources end and every task exit. */
    void finish();

    /** Stops every task of the attempt; nothing it runs commits after this returns and terminates. */
    void cancel();

    boolean awaitTermination(Duration timeout) throws InterruptedException;
}
