package dev.weir.operator.runtime;

/** The runtime cannot host an attempt (unreachable storage, ...); the message is user-facing. */
public final class JobRuntimeException extends Exception {

    /** Why, as a condition reason. */
    public enum Reason { StorageUnavailable }

    private final Reason reason;

    public JobRuntimeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
