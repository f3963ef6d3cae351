package dev.weir.runtime.worker;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.exec.ExecutionAttempt;
import dev.weir.runtime.exec.JobGraph;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.RemoteChannelFactory;
import dev.weir.runtime.exec.StateAssignment;
import dev.weir.runtime.exec.SystemProcessingTimeService;
import dev.weir.runtime.exec.TaskEnvironment;
import dev.weir.runtime.exec.TaskListener;
import dev.weir.runtime.exec.TaskRestore;
import dev.weir.runtime.network.remote.DataPlane;
import dev.weir.runtime.network.remote.PeerConnectionLostException;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.DeferredObjectStore;
import dev.weir.runtime.storage.ObjectStore;
import dev.weir.runtime.storage.ObjectStores;
import dev.weir.runtime.storage.S3Settings;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.usercode.UserCode;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.SubtaskMetricsReport;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/**
 * One worker process: runs subtask {@code worker} of every task of the job. Registers with the
 * coordinator, learns its peers, connects the data plane, restores its share of the checkpoint,
 * runs the tasks, and relays the coordinator's control messages to them. Exits when its tasks
 * finished, when canceled, or when it lost the coordinator or a peer.
 */
public final class Worker implements WorkerControlHandler, TaskListener {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final int CHANNEL_CAPACITY = 8;
    private static final int BATCH_SIZE = 512;

    /** How the worker ended, as its process exit code. */
    public enum Outcome {
        FINISHED(0), CANCELED(0), FAILED(1);

        public final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    /** Opens the store the worker's checkpoints go to ({@link ObjectStores#open}; tests may slow it down). */
    @FunctionalInterface
    public interface StoreOpener {
        ObjectStore open(String uri, S3Settings s3) throws java.io.IOException;
    }

    private final WorkerConfig config;
    private final StoreOpener storeOpener;
    private WorkerPreparation prepared;
    /** When a standby worker was assigned (System.nanoTime); 0 for a worker started for its attempt. */
    private final long assignedAtNanos;
    private final JobMetrics metrics = new JobMetrics();
    private final CountDownLatch done = new CountDownLatch(1);
    private final List<java.util.function.Consumer<ExecutionAttempt>> early = new ArrayList<>();
    private volatile Outcome outcome;
    private volatile ExecutionAttempt execution;
    private volatile TaskCompletion completion;
    private CoordinatorClient coordinator;
    private volatile Thread startupThread;
    private volatile boolean finishing;
    private HeartbeatSender heartbeats;
    private volatile WorkerPrometheusMetrics prometheus;
    private final AtomicLong highestCheckpointId = new AtomicLong();
    private final Set<ExecutionVertexId> running = ConcurrentHashMap.newKeySet();
    private final Set<ExecutionVertexId> ended = ConcurrentHashMap.newKeySet();

    public Worker(WorkerConfig config) {
        this(config, ObjectStores::open);
    }

    public Worker(WorkerConfig config, StoreOpener storeOpener) {
        this.config = config;
        this.storeOpener = storeOpener;
        this.assignedAtNanos = 0;
    }

    /**
     * A worker that goes on from a preparation started earlier: a standby worker's, assigned at
     * {@code assignedAtNanos} (System.nanoTime), or 0 for one started for its attempt.
     */
    public Worker(WorkerConfig config, WorkerPreparation prepared, long assignedAtNanos) {
        this.config = config;
        this.storeOpener = null;
        this.prepared = prepared;
        this.assignedAtNanos = assignedAtNanos;
    }

    public Outcome run() throws Exception {
        LOG.info("starting {}", config);
        startupThread = Thread.currentThread();
        try {
            return runAttempt();
        } catch (InterruptedException e) {
            // canceled (or a peer was lost) while still starting up
            return outcome != null ? outcome : Outcome.CANCELED;
        }
    }

    private Outcome runAttempt() throws Exception {
        if (prepared == null) {
            prepared = WorkerPreparation.start(config, storeOpener);
        }
        TransportTls tls = prepared.tls();
        ExecutorService snapshots = Executors.newFixedThreadPool(2, daemon("weir-snapshot-upload"));
        UserCode code = null;
        // The store's client may still be opening: that overlaps with registration, the wait for
        // the peers and the data plane's connections.
        DeferredObjectStore store = new DeferredObjectStore(prepared.store(), config.storageUri());
        try (CheckpointStorage storage = new CheckpointStorage(store, config.storageBase());
             DataPlane dataPlane = new DataPlane(config.token(), tls, config.worker(), config.attempt(),
                     new InetSocketAddress(config.bindAddress(), config.dataPort()),
                     this::onPeerLost);
             WorkerControlServer control = prepared.controlServer(this);
             ProcessingTimeService timeService = new SystemProcessingTimeService()) {
            coordinator = prepared.coordinator(
                    lost -> end(Outcome.FAILED, "lost contact with the coordinator: " + lost.getMessage()));
            try {
                heartbeats = new HeartbeatSender(coordinator, this::currentHeartbeat, config.coordinatorTimeoutMs(),
                        config.coordinatorPid(), (loss, reason) -> end(
                                loss == HeartbeatSender.CoordinatorLoss.ATTEMPT_OVER ? Outcome.CANCELED : Outcome.FAILED, reason));
                JobGraph graph;
                try {
                    WorkerPreparation.PreparedJob job = prepared.job();
                    code = job.code();
                    graph = job.graph();
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception | LinkageError e) {
                    // The coordinator learns why before this process exits; one that cannot load the job never can.
                    LOG.error("worker {} of {} cannot build its job: {}", config.worker(), config.jobName(), e.getMessage());
                    coordinator.reportFailure(config.jobName(), config.attempt(), config.worker(), e);
                    return Outcome.FAILED;
                }
                // Before registering: peers learn of this worker, and connect, only from the coordinator.
                dataPlane.useClassLoader(code.classLoader());
                coordinator.register(WorkerRegistration.of(config.jobName(), config.attempt(), config.worker(),
                        config.advertisedHost(), control.address().getPort(), dataPlane.address().getPort(),
                        JobTopology.of(graph, config.parallelism(), config.maxParallelism())));
                long registeredMs = millisSinceStart();
                // From registration on the coordinator judges this worker by its heartbeats, so they must
                // start now, not once the tasks run (start-up can take seconds on a busy machine).
                heartbeats.start(config.heartbeatIntervalMs());
                PeerList peers = coordinator.awaitPeers(STARTUP_TIMEOUT);
                Map<Integer, InetSocketAddress> addresses = new HashMap<>();
                for (WorkerRegistration peer : peers.workers()) {
                    addresses.put(peer.worker(), new InetSocketAddress(peer.host(), peer.dataPort()));
                }
                dataPlane.connect(addresses, STARTUP_TIMEOUT);
                // The tasks start only once they can checkpoint. Opened later, the store competed with
                // the running tasks for the CPU and the first checkpoint's uploads waited for it: on a
                // busy machine 4 to 13 s, so a short job completed its first checkpoint at its end.
                store.awaitOpen();

                Map<ExecutionVertexId, TaskRestore> restores = restores(storage, graph);
                ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings(config.jobName(), config.parallelism(),
                        config.maxParallelism(), config.attempt(), config.mode(), BATCH_SIZE, code.classLoader());
                ExecutionAttempt attempt = new ExecutionAttempt(settings, Map.of(config.worker(), graph),
                        Set.of(config.worker()),
                        new RemoteChannelFactory(dataPlane, config.worker(), graph, config.parallelism(), CHANNEL_CAPACITY,
                                code.classLoader()),
                        vertex -> new TaskEnvironment(config.jobName(), vertex, config.parallelism(),
                                config.maxParallelism(), config.attempt(), config.mode(), storage, snapshots, timeService,
                                this, restores.get(vertex), BATCH_SIZE, metrics, config.stateBackend()));
                completion = new TaskCompletion(attempt.vertices().size(), new TaskCompletion.Steps() {
                    @Override
                    public void finalHeartbeat() {
                        heartbeats.beat();
                    }

                    @Override
                    public void deliverFinished(ExecutionVertexId task) {
                        coordinator.finished(task);
                    }

                    @Override
                    public void allDelivered() {
                        end(Outcome.FINISHED, "all tasks finished");
                    }
                });
                attempt.start();
                LOG.info("worker {} runs {} tasks; registered {} ms and started its tasks {} ms after {}",
                        config.worker(), attempt.vertices().size(), registeredMs, millisSinceStart(),
                        assignedAtNanos == 0 ? "the process started" : "its assignment (a standby worker)");
                publish(attempt);
                serveMetricsInBackground(control);
                startupThread = null;
                Thread.interrupted();
                done.await();
                attempt.cancel();
                attempt.awaitTermination(Duration.ofSeconds(10));
                if (outcome == Outcome.FINISHED) {
                    dataPlane.closeFinished();
                }
                return outcome;
            } catch (Exception e) {
                if (!(e instanceof InterruptedException) && outcome == null) {
                    // Connecting to peers, opening the store or restoring failed: the coordinator learns why
                    // before this process exits (its host sees only the exit code).
                    LOG.error("worker {} of {} cannot run its tasks: {}", config.worker(), config.jobName(), e.toString());
                    coordinator.reportFailure(config.jobName(), config.attempt(), config.worker(), e);
                }
                throw e;
            }
        } finally {
            if (heartbeats != null) {
                heartbeats.close();
            }
            if (prometheus != null) {
                prometheus.close();
            }
            snapshots.shutdownNow();
            if (code != null) {
                code.close();
            }
        }
    }

    /**
     * Start-up so far: for a standby worker since its assignment; otherwise as the operating system
     * counts it (JVM launch included), -1 where it does not tell.
     */
    private long millisSinceStart() {
        if (assignedAtNanos != 0) {
            return (System.nanoTime() - assignedAtNanos) / 1_000_000;
        }
        return ProcessHandle.current().info().startInstant()
                .map(start -> Duration.between(start, java.time.Instant.now()).toMillis()).orElse(-1L);
    }

    private Map<ExecutionVertexId, TaskRestore> restores(CheckpointStorage storage, JobGraph graph) throws Exception {
        if (config.restoreFrom() == null) {
            return Map.of();
        }
        CheckpointMetadata metadata = storage.readMetadata(config.restoreFrom());
        return StateAssignment.assign(metadata, config.restoreFrom(), graph, config.maxParallelism());
    }

    /** Control messages that arrived before the tasks existed are replayed in order. */
    private void publish(ExecutionAttempt attempt) {
        synchronized (early) {
            execution = attempt;
            LOG.debug("worker {}: tasks started; replaying {} early control messages", config.worker(), early.size());
            early.forEach(action -> action.accept(attempt));
            early.clear();
        }
    }

    private void onExecution(java.util.function.Consumer<ExecutionAttempt> action) {
        ExecutionAttempt current = execution;
        if (current != null) {
            action.accept(current);
            return;
        }
        synchronized (early) {
            if (execution != null) {
                action.accept(execution);
            } else {
                early.add(action);
            }
        }
    }

    private Heartbeat currentHeartbeat() {
        return new Heartbeat(config.attempt(), config.worker(), System.currentTimeMillis(), metrics.sourceRecords(),
                metrics.sinkRecords(), highestCheckpointId.get(), List.copyOf(running), List.copyOf(ended),
                subtaskMetrics());
    }

    /**
     * Sets up the worker's Prometheus metrics once its tasks run, on a thread of its own: loading
     * the registry and the JVM meters takes about a second of CPU on a busy machine, which neither
     * registration nor the tasks' start should wait for. Until then {@code /metrics} answers 404.
     */
    private void serveMetricsInBackground(WorkerControlServer control) {
        Thread setup = new Thread(() -> {
            WorkerPrometheusMetrics metrics = new WorkerPrometheusMetrics(config.jobName(), config.worker(),
                    this::taskMetrics);
            prometheus = metrics;
            control.serveMetrics(metrics::scrape);
            LOG.info("worker {}: Prometheus metrics at {}{}", config.worker(), control.baseUri(),
                    WorkerControlServer.METRICS);
        }, "weir-metrics-setup");
        setup.setDaemon(true);
        setup.start();
    }

    /** The subtasks of this worker and what they measure; none before the tasks exist. */
    private Map<ExecutionVertexId, dev.weir.runtime.metrics.TaskIoMetrics> taskMetrics() {
        ExecutionAttempt current = execution;
        return current == null ? Map.of() : current.taskMetrics();
    }

    /** What each running subtask measured so far; none before the tasks exist. */
    private List<SubtaskMetricsReport> subtaskMetrics() {
        ExecutionAttempt current = execution;
        if (current == null) {
            return List.of();
        }
        long now = System.nanoTime();
        List<SubtaskMetricsReport> reports = new ArrayList<>();
        current.taskMetrics().forEach((vertex, io) -> reports.add(SubtaskMetricsReport.of(vertex, io.sample(now))));
        return reports;
    }

    /**
     * After "finish" every peer ends once its tasks are done: it has sent all it had to send, so
     * its connection closing is expected. Before that, a lost peer means the attempt is broken.
     */
    private void onPeerLost(int peer, Throwable cause) {
        if (finishing) {
            LOG.debug("worker {}: a finished peer closed its connection: {}", config.worker(), cause.getMessage());
            return;
        }
        // The coordinator hears it from here first: the peer's host may take a second, its silence far longer.
        coordinator.reportLostPeer(peer, cause);
        end(Outcome.FAILED, "lost the connection to worker " + peer + ": " + cause.getMessage());
    }

    private void end(Outcome result, String reason) {
        synchronized (this) {
            if (outcome != null) {
                return;
            }
            outcome = result;
        }
        if (result == Outcome.FAILED) {
            LOG.error("worker {} of {} stops: {}", config.worker(), config.jobName(), reason);
        } else {
            LOG.info("worker {} of {} stops: {}", config.worker(), config.jobName(), reason);
        }
        done.countDown();
        Thread starting = startupThread;
        if (starting != null) {
            // Still waiting for peers or the coordinator: stop waiting, there is nothing to run.
            starting.interrupt();
        }
    }

    // WorkerControlHandler: coordinator → tasks

    @Override
    public void triggerCheckpoint(TriggerCheckpoint trigger) {
        highestCheckpointId.accumulateAndGet(trigger.checkpointId(), Math::max);
        LOG.debug("worker {}: trigger of {} {} arrived{}", config.worker(), trigger.type(), trigger.checkpointId(),
                execution == null ? " before the tasks exist: queued" : "");
        onExecution(e -> e.triggerCheckpoint(trigger.barrier()));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        onExecution(e -> e.notifyCheckpointComplete(checkpointId));
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        onExecution(e -> e.notifyCheckpointAborted(checkpointId));
    }

    @Override
    public void finish() {
        finishing = true;
        onExecution(ExecutionAttempt::finish);
    }

    @Override
    public void cancel() {
        end(Outcome.CANCELED, "canceled by the coordinator");
    }

    // TaskListener: tasks → coordinator

    @Override
    public void acknowledgeCheckpoint(TaskAcknowledgement acknowledgement) {
        WorkerPrometheusMetrics metrics = prometheus;
        if (metrics != null) {
            metrics.acknowledged(acknowledgement);
        }
        coordinator.acknowledgeCheckpoint(acknowledgement);
    }

    @Override
    public void declineCheckpoint(long checkpointId, ExecutionVertexId vertex, String reason) {
        coordinator.declineCheckpoint(checkpointId, vertex, reason);
    }

    @Override
    public void running(ExecutionVertexId vertex) {
        running.add(vertex);
        coordinator.running(vertex);
    }

    @Override
    public void endOfData(ExecutionVertexId vertex) {
        ended.add(vertex);
        coordinator.endOfData(vertex);
    }

    @Override
    public void finished(ExecutionVertexId vertex) {
        completion.finished(vertex);
    }

    @Override
    public void failed(ExecutionVertexId vertex, Throwable cause) {
        PeerConnectionLostException lost = PeerConnectionLostException.find(cause);
        if (lost != null && !finishing) {
            // Not the task's fault: the worker at the other end is gone (the data plane may not have noticed yet).
            LOG.warn("task {} lost its channel to worker {}", vertex, lost.peer());
            onPeerLost(lost.peer(), lost);
            return;
        }
        LOG.warn("task {} failed", vertex, cause);
        coordinator.failed(vertex, cause);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
