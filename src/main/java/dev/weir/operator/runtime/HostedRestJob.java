package dev.weir.operator.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.weir.coordinator.AttemptCoordinator;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.rest.CheckpointEntry;
import dev.weir.coordinator.rest.JobOverview;
import dev.weir.coordinator.rest.JobStatusTracker;
import dev.weir.coordinator.rest.RestJob;

/**
 * A StreamJob whose attempt the operator hosts, as the coordinator's REST API shows it. Reads come
 * from the job's tracker and the hosted attempt's heartbeats. Actions are refused with where to take
 * them: on Kubernetes the StreamJob resource owns the job's lifecycle and records its savepoints
 * (docs/operator.md), which an action behind its back would bypass.
 */
final class HostedRestJob implements RestJob {

    private final String resource;
    private final JobStatusTracker tracker;
    private final Supplier<AttemptCoordinator> attempt;

    /** @param resource {@code <namespace>/<name>} of the StreamJob, for the refusals' kubectl lines */
    HostedRestJob(String resource, JobStatusTracker tracker, Supplier<AttemptCoordinator> attempt) {
        this.resource = resource;
        this.tracker = tracker;
        this.attempt = attempt;
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
        throw refused("take a savepoint by changing spec.savepointNonce (it is recorded in status.lastSavepoint)",
                "'{\"spec\":{\"savepointNonce\":<a new number>}}'");
    }

    @Override
    public void stopWithSavepoint() {
        throw refused("stop it with a savepoint by setting spec.state to suspended",
                "'{\"spec\":{\"state\":\"suspended\"}}'");
    }

    @Override
    public void cancel() {
        throw new ActionRefused("StreamJob " + resource + " runs on Kubernetes: cancel it by deleting the resource"
                + " (kubectl delete streamjob -n " + namespace() + " " + name() + "), or stop it with a savepoint"
                + " (spec.state: suspended)");
    }

    private ActionRefused refused(String how, String patch) {
        return new ActionRefused("StreamJob " + resource + " runs on Kubernetes: " + how + ", e.g. kubectl patch"
                + " streamjob -n " + namespace() + " " + name() + " --type merge -p " + patch);
    }

    private String namespace() {
        return resource.substring(0, resource.indexOf('/'));
    }

    private String name() {
        return resource.substring(resource.indexOf('/') + 1);
    }
}
