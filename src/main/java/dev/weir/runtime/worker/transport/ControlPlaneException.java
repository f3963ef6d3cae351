package dev.weir.runtime.worker.transport;

import java.io.IOException;

/**
 * A control-plane call that did not succeed: either the peer answered with an error status
 * ({@link #status()}), or it could not be reached within the retries ({@link #status()} is
 * {@value #UNREACHABLE}). Messages name the request and the server's reason, never the token.
 */
public class ControlPlaneException extends IOException {

    public static final int UNREACHABLE = -1;

    private final int status;

    public ControlPlaneException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean isUnauthorized() {
        return status == 401;
    }

    /** The attempt this caller belongs to was replaced or ended (409/410): it should stop. */
    public boolean isAttemptGone() {
        return status == 409 || status == 410;
    }
}
