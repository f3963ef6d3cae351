package dev.weir.operator.reconcile;

/**
 * What a new attempt restores from. Resolved when the attempt is deployed, against storage: the
 * latest completed checkpoint there wins over anything status remembers.
 */
public enum RestoreSource {
    /** The latest checkpoint in storage; else what the job restored from before; else spec.initialSavepointPath. */
    LATEST,
    /** status.lastSavepoint (taken when suspending or upgrading); LATEST when there is none. */
    LAST_SAVEPOINT,
    /** Start with empty state (upgradeMode stateless). */
    NONE
}
