package dev.weir.coordinator.rest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.weir.coordinator.CompletedCheckpointStats;

/**
 * One job as its coordinator's REST API serves it, whoever hosts the coordinator ({@code weir local}'s
 * job master, the operator): reads answer at once from what the coordinator knows; actions go to the
 * job's running attempt. A host that takes an action elsewhere (the operator: through the StreamJob
 * resource) refuses it with {@link ActionRefused}.
 */
public interface RestJob {

    JobOverview overview();

    /** Checkpoints and savepoints, newest first. */
    List<CheckpointEntry> checkpoints();

    /** Takes a savepoint; the job goes on. Fails when the job is not running or the savepoint fails. */
    CompletableFuture<CompletedCheckpointStats> triggerSavepoint();

    /** Stops the job after a savepoint; returns at once. */
    void stopWithSavepoint();

    /** Cancels the job without a savepoint; returns at once. */
    void cancel();

    /** An action this host does not take through the API, with where the user takes it instead (409). */
    final class ActionRefused extends RuntimeException {
        public ActionRefused(String message) {
            super(message);
        }
    }
}
