package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * Explicit checkpoint requests (savepoints, final checkpoints) waiting for the pending checkpoint
 * to end, oldest first. Not thread-safe: guarded by the coordinator's lock.
 */
final class TriggerRequestQueue {

    record TriggerRequest(CheckpointType type, boolean commitsSideEffects,
                          CompletableFuture<CompletedCheckpointStats> result) {}

    private final Deque<TriggerRequest> requests = new ArrayDeque<>();

    void add(CheckpointType type, boolean commitsSideEffects, CompletableFuture<CompletedCheckpointStats> result) {
        requests.add(new TriggerRequest(type, commitsSideEffects, result));
    }

    boolean isEmpty() {
        return requests.isEmpty();
    }

    /** The oldest request, or null. */
    TriggerRequest poll() {
        return requests.poll();
    }

    /** Removes all requests; their futures are failed by the returned deferred actions. */
    void failAll(CheckpointFailureReason reason, String message, DeferredActions actions) {
        for (TriggerRequest request; (request = requests.poll()) != null; ) {
            CompletableFuture<CompletedCheckpointStats> result = request.result();
            actions.add(() -> result.completeExceptionally(new CheckpointException(reason, message)));
        }
    }
}
