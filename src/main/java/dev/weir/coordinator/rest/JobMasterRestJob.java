package dev.weir.coordinator.rest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.weir.coordinator.AttemptCoordinator;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMaster;

/** A job run by a {@link JobMaster} ({@code weir local}), as its REST API shows it. */
public final class JobMasterRestJob implements RestJob {

    private final JobMaster master;
    private final JobStatusTracker tracker;

    /** @param tracker listens to {@code master} */
    public JobMasterRestJob(JobMaster master, JobStatusTracker tracker) {
        this.master = master;
        this.tracker = tracker;
    }

    @Override
    public JobOverview overview() {
        AttemptCoordinator attempt = master.currentAttempt();
        return tracker.overview(attempt == null ? List.of() : attempt.subtaskMetrics().subtasks());
    }

    @Override
    public List<CheckpointEntry> checkpoints() {
        return tracker.checkpoints();
    }

    @Override
    public CompletableFuture<CompletedCheckpointStats> triggerSavepoint() {
        return master.triggerSavepoint();
    }

    @Override
    public void stopWithSavepoint() {
        master.stopWithSavepoint();
    }

    @Override
    public void cancel() {
        master.cancel();
    }
}
