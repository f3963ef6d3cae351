package dev.weir.operator.runtime;

import dev.weir.operator.JobKey;

/**
 * The REST API's actions on a job the operator runs, taken as changes to its StreamJob: the resource
 * owns the job's lifecycle and records its savepoints, so an action goes through it exactly as a
 * {@code kubectl patch} would, and the reconciler does the rest.
 */
public interface StreamJobActions {

    /** Raises {@code spec.savepointNonce} by one; returns the new nonce. */
    long requestSavepoint(JobKey job);

    /** Sets {@code spec.state} to suspended: the job stops after a savepoint. */
    void suspend(JobKey job);
}
