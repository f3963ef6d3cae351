package dev.weir.coordinator;

/** Why a checkpoint was aborted. Only some reasons count towards the tolerable-failure limit. */
public enum CheckpointFailureReason {
    /** Not fully acknowledged (or its metadata not written) within the timeout. */
    TIMEOUT(true),
    /** A task refused to take the snapshot. */
    DECLINED(true),
    /** Writing _metadata failed; whether it was written is unknown, so nothing is deleted. */
    STORAGE_FAILURE(true),
    /** The trigger could not be sent to the sources. */
    TRIGGER_FAILURE(true),
    /** The job attempt is being torn down; the checkpoint says nothing about storage health. */
    JOB_FAILOVER(false),
    /** The coordinator was shut down (job finished, suspended or cancelled). */
    COORDINATOR_SHUTDOWN(false);

    private final boolean counted;

    CheckpointFailureReason(boolean counted) {
        this.counted = counted;
    }

    /** Whether this failure counts towards {@code tolerableFailures} consecutive failures. */
    public boolean countsTowardsTolerableFailures() {
        return counted;
    }
}
