package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.ExecutionVertexId;

/** What happens to a running attempt, as seen by the job master (one queue, one thread). */
sealed interface JobEvent {

    long attempt();

    record EndOfData(long attempt, ExecutionVertexId vertex) implements JobEvent {}

    record TaskFinished(long attempt, ExecutionVertexId vertex) implements JobEvent {}

    record TaskFailed(long attempt, ExecutionVertexId vertex, Throwable cause) implements JobEvent {}

    record FinalCheckpointCompleted(long attempt) implements JobEvent {}

    record FinalCheckpointFailed(long attempt, Throwable cause) implements JobEvent {}

    record ToleranceExceeded(long attempt, String reason) implements JobEvent {}

    record Canceled(long attempt) implements JobEvent {}

    record StopRequested(long attempt) implements JobEvent {}

    record SavepointCompleted(long attempt) implements JobEvent {}

    record SavepointFailed(long attempt, Throwable cause) implements JobEvent {}
}
