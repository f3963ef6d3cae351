package dev.weir.coordinator.rest;

import java.util.List;

import dev.weir.coordinator.CompletedCheckpointStats;

/**
 * One checkpoint or savepoint in a job's history, as the REST API shows it. Figures a checkpoint
 * in progress or failed does not have yet are 0 (sizes, times) or null (location, failure).
 *
 * @param type {@code CHECKPOINT} or {@code SAVEPOINT}
 * @param status {@code IN_PROGRESS}, {@code COMPLETED} or {@code FAILED}
 * @param alignmentMsMax the slowest subtask's alignment; {@code syncMsMax} and {@code asyncMsMax} alike
 * @param failureReason why it failed (a {@code CheckpointFailureReason}), with {@code failureMessage}
 * @param tasks each task's and subtask's part of a completed checkpoint; empty otherwise
 */
public record CheckpointEntry(long id, String type, String status, long attempt, long triggerTime, long durationMs,
                              long sizeBytes, double alignmentMsMax, double syncMsMax, double asyncMsMax,
                              String location, String failureReason, String failureMessage,
                              List<TaskCheckpointEntry> tasks) {

    static CheckpointEntry inProgress(long id, String type, long attempt, long triggerTime) {
        return new CheckpointEntry(id, type, "IN_PROGRESS", attempt, triggerTime, 0, 0, 0, 0, 0, null, null, null,
                List.of());
    }

    CheckpointEntry completed(CompletedCheckpointStats stats) {
        return new CheckpointEntry(id, stats.type().name(), "COMPLETED", attempt, stats.triggerTimestamp(),
                stats.durationMs(), stats.stateSize(), stats.timings().alignmentMsMax(), stats.timings().syncMsMax(),
                stats.timings().asyncMsMax(), stats.location(), null, null, TaskCheckpointEntry.of(stats.subtasks()));
    }

    CheckpointEntry failed(String reason, String message, long now) {
        return new CheckpointEntry(id, type, "FAILED", attempt, triggerTime, Math.max(0, now - triggerTime), 0, 0, 0,
                0, null, reason, message, List.of());
    }

    /** The named task's part, or null (not completed, or the task acknowledged nothing). */
    TaskCheckpointEntry task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
