package dev.weir.coordinator;

/**
 * Why a checkpoint was aborted. Most reasons are failures of the checkpoint, reported as such; only
 * some count towards the tolerable-failure limit.
 */
public enum CheckpointFailureReason {
    /** Not fully acknowledged (or its metadata not written) within the timeout. */
    TIMEOUT(true, true),
    /** A task refused to take the snapshot. */
    DECLINED(true, true),
    /** Writing _metadata failed; whether it was written is unknown, so nothing is deleted. */
    STORAGE_FAILURE(true, true),
    /**
     * The checkpoint refers to a shared file of an earlier incremental checkpoint that retention
     * had deleted (a subtask learned late which checkpoint completed). Not counted: the subtasks
     * upload afresh after the abort, so the next checkpoint completes.
     */
    SHARED_STATE_MISSING(true, false),
    /** The trigger could not be sent to the sources. */
    TRIGGER_FAILURE(true, true),
    /**
     * No acknowledgement arrived for the stall timeout (see {@code StallGuard}); the next checkpoint
     * is triggered at once. Not counted: it is a retry, and a slow but healthy checkpoint must not
     * fail the job over; a checkpoint that never completes still ends in counted timeouts.
     */
    STALLED(true, false),
    /** The job attempt is being torn down; the checkpoint says nothing about storage health. */
    JOB_FAILOVER(false, false),
    /** The coordinator was shut down (job finished, suspended or cancelled). */
    COORDINATOR_SHUTDOWN(false, false);

    private final boolean failure;
    private final boolean counted;

    CheckpointFailureReason(boolean failure, boolean counted) {
        this.failure = failure;
        this.counted = counted;
    }

    /**
     * Whether the checkpoint itself failed (reported and counted as a failed checkpoint), rather than
     * ended with its attempt or coordinator.
     */
    public boolean isFailure() {
        return failure;
    }

    /** Whether this failure counts towards {@code tolerableFailures} consecutive failures. */
    public boolean countsTowardsTolerableFailures() {
        return counted;
    }
}
