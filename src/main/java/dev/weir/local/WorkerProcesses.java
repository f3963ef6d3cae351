package dev.weir.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.weir.coordinator.AttemptCoordinator;
import dev.weir.coordinator.JobDeployer;
import dev.weir.runtime.logging.WorkerLogTail;

/**
 * The worker processes of one attempt on this machine: tells the attempt's coordinator when one
 * exits (a SIGKILL included), and stops them when the attempt is over, so the next attempt never
 * runs beside a zombie of this one. Everything else about the attempt is the coordinator's.
 */
final class WorkerProcesses implements JobDeployer.Deployment {

    private static final Duration CANCEL_GRACE = Duration.ofSeconds(10);

    private final List<Process> processes;
    private final AttemptCoordinator coordinator;
    private final Path logs;
    private final boolean[] reported;
    private final ScheduledExecutorService watcher;

    WorkerProcesses(long attempt, List<Process> processes, AttemptCoordinator coordinator, Path logs) {
        this.processes = processes;
        this.coordinator = coordinator;
        this.logs = logs;
        this.reported = new boolean[processes.size()];
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weir-worker-watcher-" + attempt);
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::watch, 50, 50, TimeUnit.MILLISECONDS);
    }

    private void watch() {
        for (int worker = 0; worker < processes.size(); worker++) {
            Process process = processes.get(worker);
            if (!reported[worker] && !process.isAlive()) {
                reported[worker] = true;
                int exitCode = process.exitValue();
                Path log = logs.resolve("worker-" + worker + ".log");
                String reason = exitCode == 0 ? "" : WorkerLogTail.lastError(log).map(r -> ": " + r).orElse("");
                coordinator.workerExited(worker, exitCode, "pid " + process.pid() + ", see " + log + reason);
            }
        }
    }

    /**
     * The coordinator has told the workers to cancel (unless they finished); a silent one may be
     * frozen or cut off and is killed at once, so it can never commit anything after the next
     * attempt took over.
     */
    @Override
    public void stop() {
        watcher.shutdownNow();
        Set<Integer> silent = coordinator.silentWorkers();
        for (int worker : silent) {
            processes.get(worker).destroyForcibly();
        }
    }

    /** A canceled worker exits within a second or two; one that does not is killed. */
    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), CANCEL_GRACE.toNanos());
        boolean all = true;
        for (Process process : processes) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (!process.waitFor(left, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                all = process.waitFor(5, TimeUnit.SECONDS) && all;
            }
        }
        return all;
    }
}
