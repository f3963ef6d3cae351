package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.TaskAcknowledgement;

/**
 * One subtask's part of a completed checkpoint, as Flink's checkpoint details show it per subtask.
 *
 * @param ackMs from the trigger until the coordinator had this subtask's acknowledgement (Flink's
 *     end-to-end duration)
 * @param stateSize bytes of state the acknowledgement references (in-flight records included)
 * @param startDelayMs from the trigger until the subtask saw the barrier
 * @param alignmentMs first to last barrier of its inputs; {@code syncMs} and {@code asyncMs} alike
 */
public record SubtaskCheckpointStats(String task, int subtask, long ackMs, long stateSize, long startDelayMs,
                                     double alignmentMs, double syncMs, double asyncMs) {

    static SubtaskCheckpointStats of(TaskAcknowledgement ack, long ackMs) {
        return new SubtaskCheckpointStats(ack.vertex().taskName(), ack.vertex().subtask(), ackMs, ack.stateSize(),
                ack.metrics().startDelayMillis(), ack.metrics().alignmentNanos() / 1e6,
                ack.metrics().syncNanos() / 1e6, ack.metrics().asyncNanos() / 1e6);
    }
}
