package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the coordinator sends to the tasks. */
class RecordingGateway implements CheckpointTriggerGateway {

    record Trigger(long checkpointId, long timestamp, CheckpointType type) {}

    final List<CheckpointBarrier> barriers = new CopyOnWriteArrayList<>();

    final List<Trigger> triggers = new CopyOnWriteArrayList<>();
    final List<Long> completed = new CopyOnWriteArrayList<>();
    final List<Long> aborted = new CopyOnWriteArrayList<>();
    private volatile boolean failTriggers;

    void failTriggers(boolean fail) {
        this.failTriggers = fail;
    }

    @Override
    public CompletableFuture<Void> triggerCheckpoint(CheckpointBarrier barrier) {
        triggers.add(new Trigger(barrier.checkpointId(), barrier.timestamp(), barrier.type()));
        barriers.add(barrier);
        if (failTriggers) {
            return CompletableFuture.failedFuture(new IllegalStateException("injected trigger failure"));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        completed.add(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        aborted.add(checkpointId);
    }

    Trigger lastTrigger() {
        return triggers.get(triggers.size() - 1);
    }
}
