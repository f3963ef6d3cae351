package dev.weir.coordinator;

import java.util.List;

import dev.weir.runtime.checkpoint.CheckpointType;

/**
 * What status and metrics show about a completed checkpoint.
 *
 * @param location user-facing location of the checkpoint directory
 * @param completionTimestamp when the last acknowledgement arrived (as recorded in _metadata)
 * @param stateSize total bytes of state referenced by the checkpoint
 * @param timings the slowest subtask's start delay, alignment, sync and async durations
 * @param uploadedSize bytes this checkpoint wrote: {@code stateSize} less the shared files of earlier
 *     incremental checkpoints it refers to
 * @param subtasks each subtask's part, ordered by task name and subtask index (empty where unknown)
 */
public record CompletedCheckpointStats(
        long checkpointId,
        CheckpointType type,
        String location,
        long triggerTimestamp,
        long completionTimestamp,
        long durationMs,
        long stateSize,
        CheckpointTimings timings,
        long uploadedSize,
        List<SubtaskCheckpointStats> subtasks) {

    public CompletedCheckpointStats {
        timings = timings == null ? CheckpointTimings.NONE : timings;
        subtasks = subtasks == null ? List.of() : List.copyOf(subtasks);
    }

    /** Without per-subtask figures. */
    public CompletedCheckpointStats(long checkpointId, CheckpointType type, String location, long triggerTimestamp,
                                    long completionTimestamp, long durationMs, long stateSize, CheckpointTimings timings,
                                    long uploadedSize) {
        this(checkpointId, type, location, triggerTimestamp, completionTimestamp, durationMs, stateSize, timings,
                uploadedSize, List.of());
    }

    /** A checkpoint that wrote all its state. */
    public CompletedCheckpointStats(long checkpointId, CheckpointType type, String location, long triggerTimestamp,
                                    long completionTimestamp, long durationMs, long stateSize, CheckpointTimings timings) {
        this(checkpointId, type, location, triggerTimestamp, completionTimestamp, durationMs, stateSize, timings,
                stateSize);
    }

    public CompletedCheckpointStats(long checkpointId, CheckpointType type, String location, long triggerTimestamp,
                                    long completionTimestamp, long durationMs, long stateSize) {
        this(checkpointId, type, location, triggerTimestamp, completionTimestamp, durationMs, stateSize,
                CheckpointTimings.NONE);
    }
}
