package dev.weir.operator.reconcile;

import dev.weir.api.JobPhase;
import dev.weir.api.SavepointTriggerType;

/** What one reconcile does; the decider returns exactly one, the actuator carries it out. */
public sealed interface Decision {

    /** Nothing to change now: keep {@code phase} (terminal, waiting for a backoff, or invalid spec). */
    record Wait(JobPhase phase, String reason, String message, long recheckAfterMs) implements Decision {}

    /** Creates attempt {@code attempt}'s resources and pods; {@code phase} is shown until all workers run. */
    record Deploy(long attempt, RestoreSource restore, JobPhase phase, String reason) implements Decision {}

    /** The current attempt should be running: keep coordinating it (re-attach after an operator restart). */
    record Run() implements Decision {}

    /** The attempt failed: stop it and deploy the next one at {@code restartAtMillis}. */
    record Restart(String failure, long restartAtMillis) implements Decision {}

    /** The attempt failed once too often within the window: stop for good. */
    record Fail(String reason, String message) implements Decision {}

    /** Stops the current attempt and deploys the next one right away (upgrade, requested restart). */
    record Redeploy(RestoreSource restore, JobPhase phase, String reason) implements Decision {}

    /** Takes a savepoint of the running attempt, then does {@code then}. */
    record Savepoint(String requestId, AfterSavepoint then) implements Decision {}

    /** Stops the job without a savepoint (it was not running); phase Suspended. */
    record Suspend() implements Decision {}

    /** Every task finished after the final checkpoint. */
    record Finish() implements Decision {}

    enum AfterSavepoint {
        /** spec.savepointNonce changed: only record the savepoint. */
        RECORD(SavepointTriggerType.MANUAL),
        /** spec.state is suspended: stop the job. */
        SUSPEND(SavepointTriggerType.SUSPEND),
        /** The spec changed (upgradeMode savepoint): redeploy restoring from the savepoint. */
        UPGRADE(SavepointTriggerType.UPGRADE);

        private final SavepointTriggerType triggerType;

        AfterSavepoint(SavepointTriggerType triggerType) {
            this.triggerType = triggerType;
        }

        /** What status.savepointHistory says the savepoint was taken for. */
        public SavepointTriggerType triggerType() {
            return triggerType;
        }
    }
}
