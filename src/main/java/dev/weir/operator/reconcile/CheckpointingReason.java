package dev.weir.operator.reconcile;

import dev.weir.api.Condition;

/** The reasons the Checkpointing condition gives, with the condition status each one means. */
public enum CheckpointingReason {
    /** The latest checkpoint of the running attempt completed, and not too long ago. */
    CheckpointCompleted(Condition.TRUE),
    /** Checkpoints keep failing: several in a row that count towards spec.checkpointing.tolerableFailures. */
    CheckpointsFailing(Condition.FALSE),
    /** No checkpoint completed for max(3 × intervalMs, timeoutMs) while every task ran. */
    CheckpointStalled(Condition.FALSE),
    /** The attempt runs but has completed no checkpoint yet. */
    AwaitingFirstCheckpoint(Condition.UNKNOWN),
    /** No attempt runs (deploying, restarting, suspended, finished, failed). */
    JobNotRunning(Condition.UNKNOWN);

    private final String status;

    CheckpointingReason(String status) {
        this.status = status;
    }

    public String status() {
        return status;
    }
}
