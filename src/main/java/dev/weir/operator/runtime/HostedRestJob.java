package dev.weir.operator.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.weir.coordinator.AttemptCoordinator;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.rest.CheckpointEntry;
import dev.weir.coordinator.rest.JobOverview;
import dev.weir.coordinator.rest.JobStatusTracker;
import dev.weir.coordinator.rest.RestJob;
import dev.weir.operator.JobKey;

/**
 * A StreamJob whose attempt the operator hosts, as the coordinator's REST API shows it. Reads come
 * from the job's tracker and the hosted attempt's heartbeats. On Kubernetes the StreamJob resource
 * owns the job's lifecycle and records its savepoints (docs/operator.md), so actions go through it:
 * a savepoint raises {@code spec.savepointNonce} (and starts the savepoint the reconciler will
 * record for that nonce), a stop sets {@code spec.state: suspended}. Cancel is refused with the
 * kubectl command that does it (deleting the resource), as are all actions when the operator has
 * no {@link StreamJobActions}.
 */
final class HostedRestJob implements RestJob {

    private final JobKey job;
    private final JobStatusTracker tracker;
    private final Supplier<AttemptCoordinator> attempt;
    private final StreamJobActions actions;
    private final Function<String, CompletableFuture<CompletedCheckpointStats>> savepoints;

    /**
     * @param actions    null: every action is refused with its kubectl command
     * @param savepoints the savepoint of a request id ({@code nonce-<n>}), started if the reconciler
     *                   has not started it yet: the same one it records
     */
    HostedRestJob(JobKey job, JobStatusTracker tracker, Supplier<AttemptCoordinator> attempt, StreamJobActions actions,
                  Function<String, CompletableFuture<CompletedCheckpointStats>> savepoints) {
        this.job = job;
        this.tracker = tracker;
        this.attempt = attempt;
        this.actions = actions;
        this.savepoints = savepoints;
    }

    @Override
    public JobOverview overview() {
        AttemptCoordinator current = attempt.get();
        return tracker.overview(current == null ? List.of() : current.subtaskMetrics().subtasks());
    }

    @Override
    public List<CheckpointEntry> checkpoints() {
        return tracker.checkpoints();
    }

    @Override
    public CompletableFuture<CompletedCheckpointStats> triggerSavepoint() {
        if (actions != null) {
            if (attempt.get() == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("job " + resource() + " is not running"));
            }
            return savepoints.apply("nonce-" + actions.requestSavepoint(job));
        }
        throw refused("take a savepoint by changing spec.savepointNonce (it is recorded in status.lastSavepoint)",
                "'{\"spec\":{\"savepointNonce\":<a new number>}}'");
    }

    @Override
    public void stopWithSavepoint() {
        if (actions != null) {
            actions.suspend(job);
            return;
        }
        throw refused("stop it with a savepoint by setting spec.state to suspended",
                "'{\"spec\":{\"state\":\"suspended\"}}'");
    }

    @Override
    public void cancel() {
        throw new ActionRefused("StreamJob " + resource() + " runs on Kubernetes: cancel it by deleting the resource"
                + " (kubectl delete streamjob -n " + namespace() + " " + name() + "), or stop it with a savepoint"
                + " (spec.state: suspended)");
    }

    private ActionRefused refused(String how, String patch) {
        return new ActionRefused("StreamJob " + resource() + " runs on Kubernetes: " + how + ", e.g. kubectl patch"
                + " streamjob -n " + namespace() + " " + name() + " --type merge -p " + patch);
    }

    private String resource() {
        return job.namespace() + "/" + job.name();
    }

    private String namespace() {
        return job.namespace();
    }

    private String name() {
        return job.name();
    }
}
