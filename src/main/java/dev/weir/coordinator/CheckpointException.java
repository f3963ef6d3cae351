package dev.weir.coordinator;

/** Fails the future of an explicitly requested checkpoint that was aborted. */
public final class CheckpointException extends Exception {

    private final CheckpointFailureReason reason;

    public CheckpointException(CheckpointFailureReason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public CheckpointFailureReason reason() {
        return reason;
    }
}
