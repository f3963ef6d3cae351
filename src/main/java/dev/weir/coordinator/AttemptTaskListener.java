package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.exec.TaskListener;

/**
 * Listens to the tasks of one attempt: checkpoint acknowledgements and declines go to the
 * attempt's {@link CheckpointCoordinator} once it exists (before that no checkpoint is pending, so
 * there is nothing they could belong to); the tasks' lifecycle events are the subclass's.
 */
public abstract class AttemptTaskListener implements TaskListener {

    private volatile CheckpointCoordinator coordinator;

    /** From now on acknowledgements and declines go to {@code coordinator}. */
    protected final void coordinateWith(CheckpointCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    /** The attempt's coordinator; null until it started. */
    protected final CheckpointCoordinator coordinator() {
        return coordinator;
    }

    @Override
    public final void acknowledgeCheckpoint(TaskAcknowledgement acknowledgement) {
        CheckpointCoordinator c = coordinator;
        if (c != null) {
            c.acknowledge(acknowledgement);
        }
    }

    @Override
    public final void declineCheckpoint(long checkpointId, ExecutionVertexId vertex, String reason) {
        CheckpointCoordinator c = coordinator;
        if (c != null) {
            c.decline(checkpointId, vertex, reason);
        }
    }
}
