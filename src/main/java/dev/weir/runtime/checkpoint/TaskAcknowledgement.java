package dev.weir.runtime.checkpoint;

import java.util.Map;

/**
 * What a subtask sends to the coordinator once its snapshot for a checkpoint is durable: the
 * state of every operator in its chain, by operator uid.
 */
public record TaskAcknowledgement(
        long checkpointId, ExecutionVertexId vertex, Map<String, OperatorSubtaskState> operators) {

    public TaskAcknowledgement {
        operators = Map.copyOf(operators);
    }

    public long stateSize() {
        return operators.values().stream().mapToLong(OperatorSubtaskState::size).sum();
    }
}
