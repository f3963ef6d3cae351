package dev.weir.coordinator;

import java.util.Collection;

import dev.weir.runtime.checkpoint.SubtaskCheckpointMetrics;

/**
 * The slowest subtask's figures of one checkpoint, in milliseconds: what held the checkpoint up
 * and what it cost the processing (alignment and sync time stop a task's input; async does not).
 */
public record CheckpointTimings(double startDelayMsMax, double alignmentMsMax, double syncMsMax, double asyncMsMax) {

    public static final CheckpointTimings NONE = new CheckpointTimings(0, 0, 0, 0);

    static CheckpointTimings slowest(Collection<SubtaskCheckpointMetrics> subtasks) {
        long delay = 0;
        long alignment = 0;
        long sync = 0;
        long async = 0;
        for (SubtaskCheckpointMetrics m : subtasks) {
            delay = Math.max(delay, m.startDelayMillis());
            alignment = Math.max(alignment, m.alignmentNanos());
            sync = Math.max(sync, m.syncNanos());
            async = Math.max(async, m.asyncNanos());
        }
        return new CheckpointTimings(delay, alignment / 1e6, sync / 1e6, async / 1e6);
    }
}
