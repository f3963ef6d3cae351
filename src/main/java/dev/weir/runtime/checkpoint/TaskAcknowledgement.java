package dev.weir.runtime.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * What a subtask sends to the coordinator once its snapshot for a checkpoint is durable: the
 * state of every operator in its chain, by operator uid, and (unaligned checkpoints) the in-flight
 * records of its input and output channels.
 */
public record TaskAcknowledgement(
        long checkpointId, ExecutionVertexId vertex, Map<String, OperatorSubtaskState> operators,
        SubtaskCheckpointMetrics metrics, List<ChannelStateHandle> channelState) {

    public TaskAcknowledgement {
        operators = Map.copyOf(operators);
        metrics = metrics == null ? SubtaskCheckpointMetrics.NONE : metrics;
        channelState = channelState == null ? List.of() : List.copyOf(channelState);
    }

    public TaskAcknowledgement(long checkpointId, ExecutionVertexId vertex, Map<String, OperatorSubtaskState> operators,
                               SubtaskCheckpointMetrics metrics) {
        this(checkpointId, vertex, operators, metrics, List.of());
    }

    public TaskAcknowledgement(long checkpointId, ExecutionVertexId vertex, Map<String, OperatorSubtaskState> operators) {
        this(checkpointId, vertex, operators, SubtaskCheckpointMetrics.NONE);
    }

    public long stateSize() {
        return operators.values().stream().mapToLong(OperatorSubtaskState::size).sum()
                + channelState.stream().mapToLong(h -> h.state().length()).sum();
    }
}
