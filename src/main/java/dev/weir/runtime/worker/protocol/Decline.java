package dev.weir.runtime.worker.protocol;

import java.util.Objects;

import dev.weir.runtime.checkpoint.ExecutionVertexId;

/**
 * Worker → coordinator: a subtask cannot contribute to checkpoint {@code checkpointId}. Carries its
 * attempt like every worker → coordinator message, so the server can check it against the URL.
 */
public record Decline(long attempt, long checkpointId, ExecutionVertexId vertex, String reason) {

    public Decline {
        Objects.requireNonNull(vertex, "vertex");
    }
}
