package dev.weir.operator.reconcile;

import dev.weir.runtime.dataflow.UnrecoverableJobException;

/** The reasons the Ready condition gives; users and alerts match on these, so they never change spelling. */
public enum ReadyReason {
    Running(true),
    Deploying(false),
    Restarting(false),
    Upgrading(false),
    Suspending(false),
    Suspended(false),
    SavepointInProgress(true),
    SavepointFailed(true),
    Finished(false),
    RestartLimitExceeded(false),
    InvalidSpec(false),
    InvalidStorage(false),
    SecretNotFound(false),
    /** The job class is missing, is no JobDefinition, lacks a dependency, or its define() threw. */
    JobClassError(false),
    /** The job jar cannot be used: not found, not a jar, or its checksum differs. */
    JobJarError(false),
    /** A record, key or state type of the job cannot be serialized. */
    SerializationError(false),
    /** A job argument or connector setting that can never work (a missing topic, a bad URI). */
    JobConfigError(false),
    StorageUnavailable(false),
    ReconcileError(false);

    private final boolean ready;

    ReadyReason(boolean ready) {
        this.ready = ready;
    }

    /** The reason a job failed for a mistake no restart can heal. */
    public static ReadyReason of(UnrecoverableJobException.Kind kind) {
        return switch (kind) {
            case JOB_CLASS -> JobClassError;
            case JOB_JAR -> JobJarError;
            case SERIALIZATION -> SerializationError;
            case CONFIGURATION -> JobConfigError;
        };
    }

    /** Whether the job processes records normally while this is the reason. */
    public boolean ready() {
        return ready;
    }
}
