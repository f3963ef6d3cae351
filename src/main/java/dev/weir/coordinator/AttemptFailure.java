package dev.weir.coordinator;

import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * Why an attempt failed. {@code unrecoverable} is set when no restart can heal it (the job's class,
 * jar, a serializer, a setting): the job then fails at once instead of restarting.
 */
public record AttemptFailure(Cause cause, String message, UnrecoverableJobException.Kind unrecoverable) {

    /** What went wrong, as users see it in a reason or a summary. */
    public enum Cause {
        /** A task threw. */
        TaskFailed,
        /** A worker could not run its part (its job jar or graph), outside any task. */
        WorkerFailed,
        /** A worker process or pod ended before the job did, or its peers' connections to it ended. */
        WorkerLost,
        /** A worker sent no heartbeat within the timeout. */
        HeartbeatTimeout,
        /** Workers built different job graphs (a half-rolled image, a define() that is not deterministic). */
        GraphMismatch,
        /** Not every worker registered in time. */
        RegistrationTimeout,
        /** More consecutive checkpoints failed than the job tolerates. */
        CheckpointsFailing,
        /** The host could not start the attempt's workers. */
        DeploymentFailed
    }

    public static AttemptFailure recoverable(Cause cause, String message) {
        return new AttemptFailure(cause, message, null);
    }

    /** A failure whose unrecoverable part, if any, is found in {@code error}'s cause chain. */
    public static AttemptFailure of(Cause cause, String message, Throwable error) {
        UnrecoverableJobException unrecoverable = UnrecoverableJobException.find(error);
        return new AttemptFailure(cause, message, unrecoverable == null ? null : unrecoverable.kind());
    }

    public boolean recoverable() {
        return unrecoverable == null;
    }

    /**
     * As a summary line or a status message shows it: the cause and the message, or for a failure
     * no restart heals, the message (it names what the user must fix).
     */
    public String describe() {
        return recoverable() ? cause.name() + ": " + message : message;
    }
}
