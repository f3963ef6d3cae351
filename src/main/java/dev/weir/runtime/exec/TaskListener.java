package dev.weir.runtime.exec;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;

/** What a task reports to whoever runs the job (in-process job master, or a worker's control plane). */
public interface TaskListener {

    void acknowledgeCheckpoint(TaskAcknowledgement acknowledgement);

    void declineCheckpoint(long checkpointId, ExecutionVertexId vertex, String reason);

    /**
     * The task restored its state and opened its operators: from now on it can take checkpoints
     * (the coordinator starts periodic checkpoints once every task runs).
     */
    void running(ExecutionVertexId vertex);

    /** The task emitted its last record (all its inputs ended); it stays up for the final checkpoint. */
    void endOfData(ExecutionVertexId vertex);

    void finished(ExecutionVertexId vertex);

    void failed(ExecutionVertexId vertex, Throwable cause);
}
