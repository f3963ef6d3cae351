package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointType;

/**
 * Receives checkpoint outcomes, e.g. to update the job status or to fail the job over. Called
 * without the coordinator's lock held, possibly from the I/O executor's threads.
 */
public interface CheckpointOutcomeListener {

    /** Checkpoint {@code checkpointId} was triggered; it is pending until it completes or fails. */
    void onCheckpointTriggered(long checkpointId, CheckpointType type, long triggerTimestamp);

    void onCheckpointCompleted(CompletedCheckpointStats stats);

    void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message);

    /**
     * Called once per run of consecutive counted failures that exceeds the tolerance (in number and
     * in time: {@code failingForMs} since the trigger of the run's first failed checkpoint).
     */
    void onTolerableFailuresExceeded(int consecutiveFailures, long failingForMs, String lastReason);
}
