package dev.weir.api;

/**
 * Why a savepoint was taken; the names are those of Flink's Kubernetes operator
 * ({@code savepointHistory[].triggerType}) where Weir has the same thing.
 */
public enum SavepointTriggerType {
    /** spec.savepointNonce changed: the user asked for it; the job keeps running. */
    MANUAL,
    /** The spec changed with upgradeMode savepoint: the job was stopped with it and redeployed from it. */
    UPGRADE,
    /** spec.state became suspended: the job was stopped with it and resumes from it. */
    SUSPEND
}
