package dev.weir.runtime.checkpoint;

/**
 * Where one subtask's part of a checkpoint spent its time (Flink's per-subtask checkpoint
 * metrics): from the trigger until the task saw the barrier (start delay), from the first to the
 * last barrier of a multi-input task (alignment: input blocked), capturing state on the task
 * thread (sync: processing stopped), and writing it to storage (async: processing goes on).
 */
public record SubtaskCheckpointMetrics(long startDelayMillis, long alignmentNanos, long syncNanos, long asyncNanos) {

    public static final SubtaskCheckpointMetrics NONE = new SubtaskCheckpointMetrics(0, 0, 0, 0);
}
