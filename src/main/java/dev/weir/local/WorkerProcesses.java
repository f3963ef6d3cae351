package dev.weir.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.DeployedJob;
import dev.weir.coordinator.remote.PeerRegistry;
import dev.weir.coordinator.remote.WorkerClient;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.exec.TaskListener;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.ControlPlaneException;

/**
 * One attempt running as worker processes. Relays the coordinator's messages to every worker
 * over the control plane, and detects failures: a worker process that exits before the job
 * finished (a SIGKILL included), or one whose heartbeats stop, fails the attempt.
 */
final class WorkerProcesses implements DeployedJob {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcesses.class);
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(10);

    private final long attempt;
    private final List<Process> processes;
    private final PeerRegistry registry;
    private final Map<Integer, List<ExecutionVertexId>> verticesByWorker;
    private final Set<ExecutionVertexId> vertices;
    private final TaskListener listener;
    private final Path logs;
    private final WorkerClient[] clients;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final ScheduledExecutorService monitor;
    private final java.util.concurrent.ExecutorService control;
    private volatile boolean finishing;
    private volatile boolean stopping;

    WorkerProcesses(long attempt, String token, List<Process> processes, PeerRegistry registry,
                    Map<Integer, List<ExecutionVertexId>> verticesByWorker, Set<ExecutionVertexId> vertices,
                    TaskListener listener, Path logs) {
        this.attempt = attempt;
        this.processes = processes;
        this.registry = registry;
        this.verticesByWorker = verticesByWorker;
        this.vertices = vertices;
        this.listener = listener;
        this.logs = logs;
        this.clients = new WorkerClient[processes.size()];
        for (WorkerRegistration worker : registry.peers().workers()) {
            clients[worker.worker()] = WorkerClient.forWorker(worker, token);
        }
        this.monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weir-worker-monitor-" + attempt);
            t.setDaemon(true);
            return t;
        });
        monitor.scheduleWithFixedDelay(this::checkWorkers, 50, 50, TimeUnit.MILLISECONDS);
        this.control = Executors.newFixedThreadPool(processes.size(), r -> {
            Thread t = new Thread(r, "weir-worker-control-" + attempt);
            t.setDaemon(true);
            return t;
        });
    }

    private void checkWorkers() {
        if (stopping) {
            return;
        }
        for (int worker = 0; worker < processes.size(); worker++) {
            Process process = processes.get(worker);
            if (!process.isAlive() && (process.exitValue() != 0 || !finishing)) {
                fail(worker, "worker " + worker + " (pid " + process.pid() + ") exited with code "
                        + process.exitValue() + "; see " + logs.resolve("worker-" + worker + ".log"));
                return;
            }
        }
        for (int worker : registry.silentWorkers()) {
            fail(worker, "worker " + worker + " sent no heartbeat for too long");
            return;
        }
    }

    private void fail(int worker, String reason) {
        if (failed.compareAndSet(false, true)) {
            LOG.warn("attempt {}: {}", attempt, reason);
            // A silent worker may still be alive (frozen, partitioned): kill it so it can never
            // commit anything after the next attempt took over.
            processes.get(worker).destroyForcibly();
            listener.failed(verticesByWorker.get(worker).get(0), new WorkerLostException(reason));
        }
    }

    /** A worker process went away or went silent. */
    static final class WorkerLostException extends RuntimeException {
        WorkerLostException(String message) {
            super(message);
        }
    }

    @Override
    public Set<ExecutionVertexId> vertices() {
        return vertices;
    }

    /**
     * Triggers every worker at once: the later a source injects its barrier, the longer the
     * aligning tasks hold back the inputs that already delivered theirs.
     */
    @Override
    public void triggerCheckpoint(long checkpointId, long timestamp, CheckpointType type) {
        TriggerCheckpoint trigger = new TriggerCheckpoint(checkpointId, timestamp, type);
        java.util.List<java.util.concurrent.CompletableFuture<Void>> sent = new java.util.ArrayList<>();
        for (WorkerClient client : clients) {
            sent.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    client.triggerCheckpoint(trigger);
                } catch (ControlPlaneException e) {
                    throw new IllegalStateException("cannot trigger checkpoint " + checkpointId + " at "
                            + client.control() + ": " + e.getMessage(), e);
                }
            }, control));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(sent.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        bestEffort(client -> client.notifyCheckpointComplete(checkpointId), "complete " + checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        bestEffort(client -> client.notifyCheckpointAborted(checkpointId), "abort " + checkpointId);
    }

    @Override
    public void finish() {
        finishing = true;
        bestEffort(WorkerClient::finish, "finish");
    }

    @Override
    public void cancel() {
        stopping = true;
        monitor.shutdownNow();
        bestEffort(WorkerClient::cancel, "cancel");
        control.shutdown();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        // A canceled worker exits within a second or two; one that does not is killed, so that the
        // next attempt never runs beside a zombie of this one.
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), CANCEL_GRACE.toNanos());
        boolean all = true;
        for (Process process : processes) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (!process.waitFor(left, TimeUnit.MILLISECONDS)) {
                // Workers must be gone before the next attempt starts: nothing of theirs may commit later.
                process.destroyForcibly();
                all = process.waitFor(5, TimeUnit.SECONDS) && all;
            }
        }
        return all;
    }

    private interface Call {
        void accept(WorkerClient client) throws ControlPlaneException;
    }

    private void bestEffort(Call call, String what) {
        for (WorkerClient client : clients) {
            try {
                call.accept(client);
            } catch (ControlPlaneException e) {
                LOG.debug("attempt {}: '{}' did not reach {}: {}", attempt, what, client.control(), e.getMessage());
            }
        }
    }
}
