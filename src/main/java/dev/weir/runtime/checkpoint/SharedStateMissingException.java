package dev.weir.runtime.checkpoint;

import java.io.IOException;

/**
 * A checkpoint refers to a shared file that no longer exists (retention deleted it after the
 * subtask had chosen to reuse it): the checkpoint must not complete. Its _metadata was not
 * written; the subtasks, told it was aborted, upload afresh next time.
 */
public final class SharedStateMissingException extends IOException {

    public SharedStateMissingException(String message) {
        super(message);
    }
}
