package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.exec.JobTopology;

/** Tells two listeners of a job run everything, first one then the other (a console and the REST API's tracker). */
public record BothListeners(JobMasterListener first, JobMasterListener second) implements JobMasterListener {

    @Override
    public void onAttemptStarted(long attempt, String restoredFrom) {
        first.onAttemptStarted(attempt, restoredFrom);
        second.onAttemptStarted(attempt, restoredFrom);
    }

    @Override
    public void onAttemptFailed(long attempt, AttemptFailure failure, boolean restarting) {
        first.onAttemptFailed(attempt, failure, restarting);
        second.onAttemptFailed(attempt, failure, restarting);
    }

    @Override
    public void onRestarting(long nextAttempt, String cause, long delayMs) {
        first.onRestarting(nextAttempt, cause, delayMs);
        second.onRestarting(nextAttempt, cause, delayMs);
    }

    @Override
    public void onRunning(JobTopology topology, long firstCheckpointId) {
        first.onRunning(topology, firstCheckpointId);
        second.onRunning(topology, firstCheckpointId);
    }

    @Override
    public void onCheckpointTriggered(long checkpointId, CheckpointType type, long triggerTimestamp) {
        first.onCheckpointTriggered(checkpointId, type, triggerTimestamp);
        second.onCheckpointTriggered(checkpointId, type, triggerTimestamp);
    }

    @Override
    public void onCheckpointCompleted(CompletedCheckpointStats stats) {
        first.onCheckpointCompleted(stats);
        second.onCheckpointCompleted(stats);
    }

    @Override
    public void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {
        first.onCheckpointFailed(checkpointId, reason, message);
        second.onCheckpointFailed(checkpointId, reason, message);
    }

    @Override
    public void onStorageUnavailable(String problem, long unavailableForMs, long retryInMs) {
        first.onStorageUnavailable(problem, unavailableForMs, retryInMs);
        second.onStorageUnavailable(problem, unavailableForMs, retryInMs);
    }

    @Override
    public void onStorageAvailable(long unavailableForMs) {
        first.onStorageAvailable(unavailableForMs);
        second.onStorageAvailable(unavailableForMs);
    }

    @Override
    public void onTasksRunning() {
        first.onTasksRunning();
        second.onTasksRunning();
    }

    @Override
    public void onAttemptFailed(AttemptFailure failure) {
        first.onAttemptFailed(failure);
        second.onAttemptFailed(failure);
    }
}
