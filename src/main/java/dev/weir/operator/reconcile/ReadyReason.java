package dev.weir.operator.reconcile;

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
    UnknownJobClass(false),
    StorageUnavailable(false),
    ReconcileError(false);

    private final boolean ready;

    ReadyReason(boolean ready) {
        this.ready = ready;
    }

    /** Whether the job processes records normally while this is the reason. */
    public boolean ready() {
        return ready;
    }
}
