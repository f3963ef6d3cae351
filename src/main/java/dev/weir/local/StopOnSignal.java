package dev.weir.local;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.weir.coordinator.JobMaster;

/**
 * SIGTERM and Ctrl-C for {@code weir local}: a JVM shutdown hook asks the job to stop with a
 * savepoint (at once, without one, while it waits to restart or for storage), lets the run print its
 * summary and close its storage, and then ends the JVM with the run's own exit code: without that,
 * a JVM ended by a signal exits 143 or 130 whatever became of the job.
 */
final class StopOnSignal implements AutoCloseable {

    private static final long STOP_TIMEOUT_SECONDS = 120;
    /** Set once the JVM is exiting on a signal: then nobody may call System.exit (it would block). */
    private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();
    private static final CompletableFuture<Integer> EXIT_CODE = new CompletableFuture<>();

    private final Thread hook;

    StopOnSignal(String jobName, JobMaster master, PrintStream err) {
        hook = new Thread(() -> {
            SHUTTING_DOWN.set(true);
            err.println("weir local: stopping " + jobName + " with a savepoint...");
            master.stopWithSavepoint();
            try {
                int code = EXIT_CODE.get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                err.flush();
                Runtime.getRuntime().halt(code);
            } catch (TimeoutException e) {
                err.println("weir local: " + jobName + " did not stop within " + STOP_TIMEOUT_SECONDS + " s; exiting");
            } catch (ExecutionException e) {
                // never completed exceptionally
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "weir-stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether a signal is ending this JVM: the exit code then goes to {@link #exit}, not System.exit. */
    static boolean shuttingDown() {
        return SHUTTING_DOWN.get();
    }

    /** The run is over and cleaned up: a shutdown hook waiting for it ends the JVM with {@code code}. */
    static void exit(int code) {
        EXIT_CODE.complete(code);
    }

    /** The run printed its summary: without a signal so far, none is handled any more. */
    @Override
    public void close() {
        if (!SHUTTING_DOWN.get()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM began shutting down just now: the hook runs and waits for the exit code
            }
        }
    }
}
