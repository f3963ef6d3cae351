package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointType;

/**
 * Turns a checkpoint's outcome into the deferred calls it causes: tasks, listener, the
 * requester's future, and storage housekeeping on the I/O executor.
 */
final class CheckpointNotifier {

    private final CheckpointTriggerGateway gateway;
    private final CheckpointOutcomeListener listener;
    private final CompletedCheckpointStore store;
    private final CheckpointIo io;
    private final int retained;

    CheckpointNotifier(
            CheckpointTriggerGateway gateway,
            CheckpointOutcomeListener listener,
            CompletedCheckpointStore store,
            CheckpointIo io,
            int retained) {
        this.gateway = gateway;
        this.listener = listener;
        this.store = store;
        this.io = io;
        this.retained = retained;
    }

    void triggered(PendingCheckpoint pc, DeferredActions actions) {
        actions.add(() -> listener.onCheckpointTriggered(pc.checkpointId(), pc.type(), pc.triggerTimestamp()));
    }

    void completed(PendingCheckpoint pc, CompletedCheckpointStats stats, DeferredActions actions) {
        if (pc.commitsSideEffects()) {
            actions.add(() -> gateway.notifyCheckpointComplete(pc.checkpointId()));
        }
        actions.add(() -> listener.onCheckpointCompleted(stats));
        actions.add(() -> pc.result().complete(stats));
        // Savepoints belong to the user and are never pruned.
        if (pc.type() == CheckpointType.CHECKPOINT) {
            actions.add(() -> io.submit("retaining the latest " + retained + " checkpoints",
                    () -> store.retainLatest(retained)));
        }
    }

    void aborted(PendingCheckpoint pc, CheckpointFailureReason reason, String message, DeferredActions actions) {
        long id = pc.checkpointId();
        // Once the metadata write may have started, its outcome is unknown: deleting could destroy
        // a complete checkpoint, so the files stay for retention to judge later.
        if (!pc.isFinalizing()) {
            actions.add(() -> io.submit("discarding checkpoint " + id, () -> store.discard(id, pc.type())));
        }
        actions.add(() -> gateway.notifyCheckpointAborted(id));
        actions.add(() -> listener.onCheckpointFailed(id, reason, message));
        actions.add(() -> pc.result().completeExceptionally(new CheckpointException(reason, message)));
    }

    void toleranceExceeded(int consecutiveFailures, long failingForMs, String lastReason, DeferredActions actions) {
        actions.add(() -> listener.onTolerableFailuresExceeded(consecutiveFailures, failingForMs, lastReason));
    }
}
