package dev.weir.api;

/**
 * Where a StreamJob is in its life, as {@code kubectl get streamjobs} shows it. The constants
 * are spelled as Kubernetes phases are (Pending, Running, ...) because they are serialized as is.
 */
public enum JobPhase {
    /** Accepted, nothing deployed yet (or the spec is invalid: see the Ready condition). */
    Pending,
    /** Worker pods are being created and are registering with the coordinator. */
    Deploying,
    /** All workers are up and processing. */
    Running,
    /** A worker failed; all workers are restarting from the latest completed checkpoint after a backoff. */
    Restarting,
    /** A spec change is being applied: snapshot taken, redeploying from it. */
    Upgrading,
    /** Stopped after a savepoint on request; resumes from it when state is set back to running. */
    Suspended,
    /** Gave up: too many restarts within the window, or an error no restart can fix. See error. */
    Failed,
    /** All sources ended and the final checkpoint committed every output. */
    Finished
}
