package dev.weir.operator.reconcile;

/** The reasons the SavepointDisposal condition gives (present only while spec.savepoints.dispose names any). */
public enum SavepointDisposalReason {
    /** Every savepoint named has been disposed of. */
    Disposed,
    /** At least one cannot be disposed of now: it is the latest, restored from, or not this job's. */
    DisposalRefused,
    /** Deleting files failed (storage unreachable); tried again at the next reconcile. */
    DisposalFailed
}
