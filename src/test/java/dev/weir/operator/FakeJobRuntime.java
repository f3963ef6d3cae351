package dev.weir.operator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.weir.coordinator.AttemptFailure;

import dev.weir.operator.runtime.AttemptPlan;
import dev.weir.operator.runtime.AttemptView;
import dev.weir.operator.runtime.CheckpointHealth;
import dev.weir.operator.runtime.JobRuntime;
import dev.weir.operator.runtime.JobRuntimeException;
import dev.weir.operator.runtime.SavepointState;
import dev.weir.operator.runtime.SnapshotInfo;
import dev.weir.operator.runtime.StorageAccess;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * A {@link JobRuntime} the test steers (cf. Flink's TestingFlinkService): workers register when the
 * test says so, failures and finished jobs are injected, savepoints complete on demand, and every
 * call is recorded for assertions.
 */
final class FakeJobRuntime implements JobRuntime {

    record Hosted(AttemptPlan plan, Set<Integer> reattached) {}

    final List<Hosted> ensured = new ArrayList<>();
    final List<String> savepointRequests = new ArrayList<>();
    final List<JobKey> stopped = new ArrayList<>();
    private final Map<JobKey, AttemptPlan> hosted = new HashMap<>();
    private final Map<JobKey, Integer> registered = new HashMap<>();
    private final Map<JobKey, AttemptFailure> failures = new HashMap<>();
    private final Map<JobKey, Boolean> finished = new HashMap<>();
    private final Map<JobKey, SnapshotInfo> lastCheckpoints = new HashMap<>();
    private final Map<String, SavepointState> savepoints = new HashMap<>();
    private final Map<JobKey, CheckpointHealth> checkpointHealth = new HashMap<>();
    private final Map<JobKey, Long> runningSince = new HashMap<>();
    final List<Long> disposedSavepoints = new ArrayList<>();
    /** The test's clock: when all workers registered, every task counts as running from then on. */
    java.util.function.LongSupplier clock = () -> 1;
    java.io.IOException failNextDisposal;
    private volatile java.util.function.Consumer<JobKey> attemptEnded = job -> { };
    boolean savepointsCompleteAtOnce = true;
    JobRuntimeException refuseNextAttempt;
    long nextSavepointId = 100;

    @Override
    public synchronized String coordinatorUrl() {
        return "http://weir-operator.weir:6123";
    }

    @Override
    public synchronized void ensureAttempt(AttemptPlan plan, Set<Integer> runningWorkers) throws JobRuntimeException {
        AttemptPlan existing = hosted.get(plan.job());
        if (existing != null && existing.attempt() == plan.attempt()) {
            return;
        }
        if (refuseNextAttempt != null) {
            JobRuntimeException e = refuseNextAttempt;
            refuseNextAttempt = null;
            throw e;
        }
        hosted.put(plan.job(), plan);
        // Running workers register again as soon as their heartbeats reach the new coordinator.
        registered.put(plan.job(), runningWorkers.size());
        runningSince.put(plan.job(), clock.getAsLong());
        failures.remove(plan.job());
        finished.remove(plan.job());
        ensured.add(new Hosted(plan, Set.copyOf(runningWorkers)));
    }

    @Override
    public synchronized AttemptView observe(JobKey job, long attempt) {
        AttemptPlan plan = hosted.get(job);
        if (plan == null || plan.attempt() != attempt) {
            return AttemptView.NOT_HOSTED;
        }
        boolean allRegistered = registered.getOrDefault(job, 0) == plan.parallelism();
        return new AttemptView(true, registered.getOrDefault(job, 0), failures.get(job),
                finished.getOrDefault(job, false), lastCheckpoints.get(job),
                allRegistered ? checkpointHealth.getOrDefault(job, new CheckpointHealth(runningSince.get(job), 0, 0, null))
                        : CheckpointHealth.NOT_RUNNING);
    }

    @Override
    public synchronized SavepointState savepoint(JobKey job, long attempt, String requestId) {
        savepointRequests.add(requestId);
        SavepointState state = savepoints.get(requestId);
        if (state == null || state.progress() == SavepointState.Progress.FAILED) {
            state = savepointsCompleteAtOnce ? completed(job) : SavepointState.IN_PROGRESS;
            savepoints.put(requestId, state);
        }
        return state;
    }

    private SavepointState completed(JobKey job) {
        long id = nextSavepointId++;
        return SavepointState.completed(new SnapshotInfo(id, "s3://weir/weir/" + job.namespace() + "/" + job.name()
                + "/savepoints/sp-" + id, 1_000, 20, 4096));
    }

    @Override
    public synchronized void stopAttempt(JobKey job) {
        if (hosted.remove(job) != null) {
            stopped.add(job);
        }
    }

    /** Forgets every attempt as a stopping operator does; nothing counts as stopped (workers run on). */
    @Override
    public synchronized void detachAll() {
        hosted.clear();
        registered.clear();
    }

    @Override
    public void onAttemptEnded(java.util.function.Consumer<JobKey> listener) {
        attemptEnded = listener;
    }

    @Override
    public synchronized void disposeSavepoint(JobKey job, StorageAccess storage, long savepointId)
            throws java.io.IOException {
        if (failNextDisposal != null) {
            java.io.IOException e = failNextDisposal;
            failNextDisposal = null;
            throw e;
        }
        disposedSavepoints.add(savepointId);
    }

    @Override
    public synchronized Optional<SnapshotInfo> latestCheckpoint(JobKey job, StorageAccess storage) {
        return Optional.ofNullable(lastCheckpoints.get(job));
    }

    // Steering

    synchronized AttemptPlan current(JobKey job) {
        return hosted.get(job);
    }

    synchronized void registerAll(JobKey job) {
        registered.put(job, hosted.get(job).parallelism());
        runningSince.put(job, clock.getAsLong());
    }

    synchronized void fail(JobKey job, String reason) {
        failures.put(job, AttemptFailure.recoverable(AttemptFailure.Cause.TaskFailed, reason));
        attemptEnded.accept(job);
    }

    /** A failure no restart heals, as workers report it when the job's class cannot be loaded. */
    synchronized void failUnrecoverably(JobKey job, UnrecoverableJobException.Kind kind, String message) {
        failures.put(job, new AttemptFailure(AttemptFailure.Cause.WorkerFailed, message, kind));
        attemptEnded.accept(job);
    }

    synchronized void finish(JobKey job) {
        finished.put(job, true);
        attemptEnded.accept(job);
    }

    synchronized void completeCheckpoint(JobKey job, long id) {
        completeCheckpoint(job, id, 5_000 + id);
    }

    synchronized void completeCheckpoint(JobKey job, long id, long completedAtMillis) {
        lastCheckpoints.put(job, new SnapshotInfo(id, "s3://weir/weir/" + job.namespace() + "/" + job.name()
                + "/checkpoints/chk-" + id, completedAtMillis, 12, 2048));
    }

    /** What the coordinator reports of the attempt's checkpoints once every worker registered. */
    synchronized void checkpointHealth(JobKey job, CheckpointHealth health) {
        checkpointHealth.put(job, health);
    }

    synchronized void completePendingSavepoints(JobKey job) {
        savepoints.replaceAll((id, state) -> state.progress() == SavepointState.Progress.IN_PROGRESS ? completed(job) : state);
    }
}
