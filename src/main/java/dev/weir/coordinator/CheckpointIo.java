package dev.weir.coordinator;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs best-effort storage housekeeping (discard, retention) on the I/O executor. A failure there
 * only leaves files behind, which the next retention pass removes, so it is logged, not counted.
 */
final class CheckpointIo {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointIo.class);

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    private final Executor executor;
    private final String jobName;

    CheckpointIo(Executor executor, String jobName) {
        this.executor = executor;
        this.jobName = jobName;
    }

    void submit(String what, IoAction action) {
        try {
            executor.execute(() -> runLogged(what, action));
        } catch (RejectedExecutionException e) {
            LOG.warn("Job {}: could not schedule {}: I/O executor rejected it", jobName, what);
        }
    }

    /** Submits a task whose failure the caller handles (the metadata write). */
    void execute(Runnable task) {
        executor.execute(task);
    }

    private void runLogged(String what, IoAction action) {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Job {}: {} failed", jobName, what, e);
        }
    }
}
