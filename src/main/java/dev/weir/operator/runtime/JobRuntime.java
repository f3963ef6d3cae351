package dev.weir.operator.runtime;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import dev.weir.operator.JobKey;

/**
 * The seam between the reconciler and the running jobs (Flink's operator calls it FlinkService):
 * the coordinator side of every running attempt lives behind it, so the reconcile logic is tested
 * for every transition with a fake and no worker processes. Every method returns quickly: the
 * reconciler never blocks on workers, it reschedules.
 */
public interface JobRuntime {

    /** Base URL workers register with, e.g. {@code http://weir-operator.weir:6123}. */
    String coordinatorUrl();

    /**
     * Hosts the coordinator side of {@code plan}'s attempt unless it already does; an older attempt
     * of the job is stopped first. Idempotent: called on every reconcile while the attempt should run.
     *
     * @param runningWorkers indexes of workers already running (after an operator restart: from their
     *     pods); they register again when their heartbeats reach the new coordinator, and are judged by
     *     their heartbeats from now on
     */
    void ensureAttempt(AttemptPlan plan, Set<Integer> runningWorkers) throws JobRuntimeException;

    /** What the coordinator knows of this attempt; {@link AttemptView#NOT_HOSTED} when it hosts none. */
    AttemptView observe(JobKey job, long attempt);

    /**
     * Takes a savepoint of the running attempt for {@code requestId} (one request, one savepoint:
     * asking again returns the state of the same one) and reports how far it is.
     */
    SavepointState savepoint(JobKey job, long attempt, String requestId);

    /**
     * Stops coordinating the job: aborts a pending checkpoint, tells the workers to cancel (best
     * effort; their pods are deleted anyway) and forgets the attempt. Idempotent.
     */
    void stopAttempt(JobKey job);

    /**
     * Stops coordinating every job without telling the workers anything: this operator shuts down
     * or lost the leadership, and the next one re-attaches to the workers as they run.
     */
    void detachAll();

    /**
     * {@code listener} hears of every hosted attempt that failed or finished by itself, as it
     * happens, so the reconciler acts at once rather than at its next poll. Called on the attempt's
     * thread: hand off and return.
     */
    void onAttemptEnded(Consumer<JobKey> listener);

    /**
     * Deletes savepoint {@code savepointId}'s files ({@code _metadata} first) from the job's storage.
     * Deleting one that is already gone succeeds: a disposal interrupted before its status patch is
     * simply done again.
     */
    void disposeSavepoint(JobKey job, StorageAccess storage, long savepointId) throws IOException;

    /** The latest completed checkpoint in the job's storage, the source of truth for restores. */
    Optional<SnapshotInfo> latestCheckpoint(JobKey job, StorageAccess storage) throws IOException;
}
