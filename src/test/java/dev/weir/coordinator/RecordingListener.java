package dev.weir.coordinator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.weir.runtime.checkpoint.CheckpointType;

/** Records checkpoint outcomes. */
final class RecordingListener implements CheckpointOutcomeListener {

    record Failure(long checkpointId, CheckpointFailureReason reason, String message) {}

    record Exceeded(int consecutiveFailures, long failingForMs, String lastReason) {}

    final List<Long> triggered = new CopyOnWriteArrayList<>();
    final List<CompletedCheckpointStats> completed = new CopyOnWriteArrayList<>();
    final List<Failure> failures = new CopyOnWriteArrayList<>();
    final List<Exceeded> exceeded = new CopyOnWriteArrayList<>();

    @Override
    public void onCheckpointTriggered(long checkpointId, CheckpointType type, long triggerTimestamp) {
        triggered.add(checkpointId);
    }

    @Override
    public void onCheckpointCompleted(CompletedCheckpointStats stats) {
        completed.add(stats);
    }

    @Override
    public void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {
        failures.add(new Failure(checkpointId, reason, message));
    }

    @Override
    public void onTolerableFailuresExceeded(int consecutiveFailures, long failingForMs, String lastReason) {
        exceeded.add(new Exceeded(consecutiveFailures, failingForMs, lastReason));
    }
}
