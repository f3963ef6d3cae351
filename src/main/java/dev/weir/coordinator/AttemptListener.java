package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.exec.JobTopology;

/**
 * What an attempt's host wants to hear as it runs (progress lines, metrics, status). Called on the
 * attempt's own threads; implementations hand off and return. All methods have defaults.
 */
public interface AttemptListener {

    /** Every worker registered with the same graph; checkpoints start now. */
    default void onRunning(JobTopology topology, long firstCheckpointId) {}

    /**
     * Every task of the attempt restored its state and processes records (they report RUNNING
     * after their operators opened): the end of a recovery.
     */
    default void onTasksRunning() {}

    /** A checkpoint or savepoint was triggered; it is pending until it completes or fails. */
    default void onCheckpointTriggered(long checkpointId, CheckpointType type, long triggerTimestamp) {}

    default void onCheckpointCompleted(CompletedCheckpointStats stats) {}

    default void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {}

    /** The attempt failed, the moment its coordinator knows (its workers are told to cancel next). */
    default void onAttemptFailed(AttemptFailure failure) {}
}
