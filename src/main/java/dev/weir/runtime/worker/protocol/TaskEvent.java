package dev.weir.runtime.worker.protocol;

import java.util.Objects;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * Worker → coordinator: a lifecycle step of one subtask. {@code error} is set only for
 * {@link Kind#FAILED}, and {@code unrecoverable} when that failure is one no restart can heal.
 */
public record TaskEvent(long attempt, ExecutionVertexId vertex, Kind kind, String error,
                        UnrecoverableJobException.Kind unrecoverable) {

    public enum Kind {
        /** The task restored its state and runs: it can take checkpoints. */
        RUNNING(true),
        /** All inputs ended and the last record was emitted; the task waits for the final checkpoint. */
        END_OF_DATA(true),
        FINISHED(false),
        FAILED(false);

        private final boolean inHeartbeats;

        Kind(boolean inHeartbeats) {
            this.inHeartbeats = inHeartbeats;
        }

        /**
         * Whether heartbeats repeat this step (see {@link Heartbeat}): then a lost event costs only
         * time, and a coordinator that takes over running workers still learns it.
         */
        public boolean repeatedByHeartbeats() {
            return inHeartbeats;
        }
    }

    public TaskEvent {
        Objects.requireNonNull(vertex, "vertex");
        Objects.requireNonNull(kind, "kind");
    }

    public TaskEvent(long attempt, ExecutionVertexId vertex, Kind kind, String error) {
        this(attempt, vertex, kind, error, null);
    }
}
