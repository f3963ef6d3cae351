package dev.weir.runtime.checkpoint;

import java.util.Map;

/**
 * What a subtask sends to the coordinator once its snapshot for a checkpoint is durable: the
 * state of every operator in its chain, by operator uid.
 */
public record TaskAcknowledgement(
        long checkpointId, ExecutionVertexId vertex, Map<String, OperatorSubtaskState> operators,
        SubtaskCheckpointMetrics metrics) {

    public TaskAcknowledgement {
        operators = Map.copyOf(operators);
        metrics = metrics == null ? SubtaskCheckpointMetrics.NONE : metrics;
    }

    public TaskAcknowledgement(long checkpointId, ExecutionVertexId vertex, Map<String, OperatorSubtaskState> operators) {
        this(checkpointId, vertex, operators, SubtaskCheckpointMetrics.NONE);
    }

    public long stateSize() {
        return operators.values().stream().mapToLong(OperatorSubtaskState::size).sum();
    }
}
