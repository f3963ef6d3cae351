package dev.weir.runtime.exec;

/** Unwinds a task thread that was canceled while blocked on output (not a failure). */
public final class TaskCanceledException extends RuntimeException {
    public TaskCanceledException() {
        super("task canceled", null, false, false);
    }
}
