package dev.weir.coordinator;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.metrics.SubtaskMetricsBoard;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.PeerLost;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.WorkerFailure;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/**
 * The coordinator of one attempt of a job, whoever hosts it ({@code weir local}'s restart loop or
 * the operator): waits until every worker registered with the same job graph, then runs the
 * checkpoint coordinator and its scheduler (periodic checkpoints once every task runs), sends its
 * messages to all workers at once, judges the workers by their heartbeats and exits, takes the
 * final checkpoint when every task reached the end of its data, and ends in one
 * {@link AttemptOutcome}. It never loads the job's classes: the graph comes from the workers'
 * registrations.
 *
 * <p>Every decision runs on one thread (the attempt's mailbox), so events from workers, the host
 * and the checkpoint coordinator never race. Acknowledgements go straight to the checkpoint
 * coordinator, which has its own lock. Messages of another attempt are refused
 * ({@link StaleAttemptException}); messages that arrive after the end are ignored.
 */
public final class AttemptCoordinator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptCoordinator.class);
    private static final long TICK_MS = 100;

    /**
     * @param parallelism the job's parallelism, which every worker's graph must have been built for
     * @param workers how many workers register: one per process or pod, or 1 that runs every subtask in this process
     * @param heartbeatTimeout silence after which a worker counts as lost; zero when workers send no heartbeats
     * @param registrationTimeout how long the workers may take to register; zero for no limit
     * @param firstCheckpointId checkpoint ids continue from here, or above the highest id a worker reports
     */
    public record Settings(String jobName, long attempt, int parallelism, int maxParallelism, int workers,
                           CheckpointConfig checkpoint, Duration heartbeatTimeout, Duration registrationTimeout,
                           long firstCheckpointId) {}

    private enum Phase { AWAITING_WORKERS, RUNNING, FINISHING, ENDED }

    private final Settings settings;
    private final CompletedCheckpointStore store;
    private final Executor io;
    private final Clock clock;
    private final AttemptListener listener;
    private final PeerRegistry registry;
    private final WorkerLinks links;
    private final ScheduledExecutorService mailbox;
    private final CompletableFuture<AttemptOutcome> outcome = new CompletableFuture<>();
    private final AttemptWorkerEndpoint endpoint;
    private final SubtaskMetricsBoard subtaskMetrics = new SubtaskMetricsBoard();
    private final long startedAt;

    // Owned by the mailbox thread.
    private Phase phase = Phase.AWAITING_WORKERS;
    private final TaskProgress tasks = new TaskProgress();
    private CheckpointScheduler scheduler;
    private boolean stopRequested;

    // Read by other threads.
    private volatile CheckpointCoordinator checkpoints;
    private volatile JobTopology topology;
    private volatile AttemptFailure failure;
    private volatile CompletedCheckpointStats lastCheckpoint;
    private volatile boolean everyTaskRunning;
    private volatile long everyTaskRunningSince;
    private volatile CompletableFuture<?> previousAttemptGone = CompletableFuture.completedFuture(null);

    /**
     * @param gateways how to reach a worker that registered over the control plane; null when workers
     *     register in this process with {@link #register(WorkerRegistration, WorkerGateway)}
     */
    public AttemptCoordinator(Settings settings, CompletedCheckpointStore store, Executor io, Clock clock,
                              Function<WorkerRegistration, WorkerGateway> gateways, AttemptListener listener) {
        this.settings = settings;
        this.store = store;
        this.io = io;
        this.clock = clock;
        this.listener = listener;
        Duration silence = settings.heartbeatTimeout().isZero() ? Duration.ofMillis(Long.MAX_VALUE)
                : settings.heartbeatTimeout();
        this.registry = new PeerRegistry(settings.attempt(), settings.workers(), clock, silence);
        String name = settings.jobName() + "-a" + settings.attempt();
        this.links = new WorkerLinks(name, settings.workers());
        this.endpoint = new AttemptWorkerEndpoint(settings, registry, gateways, this);
        this.mailbox = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weir-attempt-" + name);
            t.setDaemon(true);
            return t;
        });
        this.startedAt = clock.millis();
        mailbox.scheduleWithFixedDelay(() -> run(this::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    public long attempt() {
        return settings.attempt();
    }

    /** Completes once when the attempt ends. */
    public CompletableFuture<AttemptOutcome> outcome() {
        return outcome;
    }

    // ---- worker → coordinator ----

    /** Where the attempt's workers report: the control plane's endpoint, or workers in this process. */
    public AttemptEndpoint endpoint() {
        return endpoint;
    }

    /** Registers a worker of this process, reached through {@code gateway}; returns everyone registered so far. */
    public PeerList register(WorkerRegistration registration, WorkerGateway gateway) {
        return endpoint.register(registration, gateway);
    }

    /** A worker registered; it is reached through {@code gateway}. */
    void registered(WorkerRegistration registration, WorkerGateway gateway) {
        post(() -> onRegistered(registration, gateway));
    }

    /** A worker built a graph that cannot join the others'. */
    void graphMismatch(String reason) {
        post(() -> fail(AttemptFailure.recoverable(AttemptFailure.Cause.GraphMismatch, reason)));
    }

    void taskReported(TaskEvent event) {
        post(() -> onTaskEvent(event));
    }

    /** What a heartbeat repeats: the worker's tasks that run and that ended (for a coordinator that took over). */
    void heartbeatReceived(Heartbeat heartbeat) {
        subtaskMetrics.record(heartbeat.worker(), heartbeat.subtaskMetrics());
        post(() -> {
            maybeStart();
            heartbeat.runningVertices().forEach(this::onTaskRunning);
            heartbeat.endedVertices().forEach(this::onEndOfData);
        });
    }

    void workerFailed(WorkerFailure report) {
        post(() -> fail(new AttemptFailure(AttemptFailure.Cause.WorkerFailed,
                "worker " + report.worker() + ": " + report.message(), report.unrecoverable())));
    }

    /**
     * A worker's data connection to {@code report.peer()} ended: most likely that worker died, and
     * its peers are the first to know (its host may take a second, its silence the heartbeat
     * timeout). Ignored when the peer had finished all its tasks: it exited as it should.
     */
    void peerLost(PeerLost report) {
        post(() -> {
            if (phase == Phase.ENDED || allFinished(report.peer())) {
                return;
            }
            fail(AttemptFailure.recoverable(AttemptFailure.Cause.WorkerLost, "worker " + report.peer()
                    + " lost: the data connection from worker " + report.worker() + " to it ended ("
                    + report.message() + ")"));
        });
    }

    // ---- host → coordinator ----

    /**
     * A worker process or pod ended with {@code exitCode}. Expected only after all its tasks
     * finished (exit code 0); otherwise the attempt is broken.
     */
    public void workerExited(int worker, int exitCode, String detail) {
        post(() -> {
            if (phase == Phase.ENDED || (exitCode == 0 && allFinished(worker))) {
                return;
            }
            fail(AttemptFailure.recoverable(AttemptFailure.Cause.WorkerLost, "worker " + worker + " exited with code "
                    + exitCode + (detail == null ? "" : "; " + detail) + outOfMemoryHint(detail)));
        });
    }

    /** What to do about a worker that ran out of heap (the JVM's last line says so: {@code WorkerJvm#ERROR_OPTIONS}). */
    static String outOfMemoryHint(String detail) {
        if (detail == null || !detail.contains("OutOfMemoryError")) {
            return "";
        }
        return " (its state and buffers did not fit its heap: give workers more memory — spec.resources.limits.memory,"
                + " or --worker-heap with weir local — or more parallelism, or the rocksdb state backend)";
    }

    /**
     * The workers of this attempt may start (their JVMs boot, they register) while the previous
     * attempt's are still stopping, but they learn their peers, and so connect, restore and run,
     * only once {@code gone} completes: a new attempt never runs beside what is left of the last.
     * Call before the workers are started.
     */
    public void holdPeersUntil(CompletableFuture<?> gone) {
        previousAttemptGone = gone;
    }

    /** Whether workers may learn their peers yet (see {@link #holdPeersUntil}). */
    boolean peersReleased() {
        return previousAttemptGone.isDone();
    }

    /** Workers believed to run already (re-attached after an operator restart): judged by heartbeats from now. */
    public void expectRunning(Set<Integer> workers) {
        registry.expectRunning(workers);
    }

    /** Takes a savepoint (kept until the user deletes it); the attempt goes on. */
    public CompletableFuture<CompletedCheckpointStats> triggerSavepoint() {
        CompletableFuture<CompletedCheckpointStats> result = new CompletableFuture<>();
        if (!post(() -> {
            if (phase != Phase.RUNNING) {
                result.completeExceptionally(new IllegalStateException(notRunning()));
            } else {
                forward(checkpoints.triggerCheckpoint(CheckpointType.SAVEPOINT), result);
            }
        })) {
            result.completeExceptionally(new IllegalStateException(notRunning()));
        }
        return result;
    }

    /**
     * Stops the attempt after a savepoint: it ends {@link AttemptOutcome.Suspended}, or canceled when
     * the savepoint fails. An attempt that is finishing finishes instead; one whose workers are not
     * all running yet is canceled (it has nothing newer than what it restored from).
     */
    public void stopWithSavepoint() {
        post(() -> {
            switch (phase) {
                case AWAITING_WORKERS -> end(new AttemptOutcome.Canceled("stopped before every worker was running;"
                        + " no savepoint was taken"));
                case RUNNING -> {
                    if (!stopRequested) {
                        stopRequested = true;
                        checkpoints.triggerStopSavepoint().whenComplete((stats, error) -> post(() ->
                                end(error == null ? new AttemptOutcome.Suspended(stats)
                                        : new AttemptOutcome.Canceled("stop with savepoint: the savepoint failed ("
                                        + rootMessage(error) + "); the job was canceled"))));
                    }
                }
                case FINISHING -> LOG.info("job {}: attempt {} is finishing; it finishes instead of stopping",
                        settings.jobName(), settings.attempt());
                default -> { }
            }
        });
    }

    /** Ends the attempt and tells its workers to cancel. */
    public void cancel() {
        post(() -> end(new AttemptOutcome.Canceled(null)));
    }

    /**
     * Stops coordinating without a word to the workers: the operator stops or lost its leadership,
     * and the next coordinator re-attaches to them. A pending checkpoint ends here only; the next
     * coordinator's first checkpoint supersedes it on the workers.
     */
    public void detach() {
        links.mute();
        post(() -> {
            if (phase != Phase.ENDED) {
                phase = Phase.ENDED;
                stopCheckpointing(null);
                outcome.complete(new AttemptOutcome.Canceled("detached"));
            }
        });
    }

    // ---- what hosts read ----

    /** Workers that went silent for longer than the heartbeat timeout (alive or not). */
    public Set<Integer> silentWorkers() {
        return settings.heartbeatTimeout().isZero() ? Set.of() : registry.silentWorkers();
    }

    public int registeredWorkers() {
        return registry.peers().workers().size();
    }

    /** Why the attempt failed; null while it has not. */
    public AttemptFailure failure() {
        return failure;
    }

    /** The graph the workers agreed on; null until they all registered. */
    public JobTopology topology() {
        return topology;
    }

    /** The latest checkpoint this attempt completed; null if none yet. */
    public CompletedCheckpointStats lastCheckpoint() {
        return lastCheckpoint;
    }

    /** Every task of the attempt restored its state and runs (periodic checkpoints started). */
    public boolean everyTaskRunning() {
        return everyTaskRunning;
    }

    /** When every task of the attempt ran (see {@link #everyTaskRunning}); 0 until then. */
    public long everyTaskRunningSince() {
        return everyTaskRunningSince;
    }

    public boolean finished() {
        return outcome.isDone() && outcome.join() instanceof AttemptOutcome.Finished;
    }

    /** What the workers' heartbeats said of each subtask: records, rates, busy and back-pressured time. */
    public SubtaskMetricsBoard subtaskMetrics() {
        return subtaskMetrics;
    }

    /** The attempt's checkpoint coordinator; null until every worker registered. */
    public CheckpointCoordinator checkpoints() {
        return checkpoints;
    }

    // ---- the mailbox ----

    private void onRegistered(WorkerRegistration registration, WorkerGateway gateway) {
        if (phase == Phase.ENDED) {
            return;
        }
        links.connect(registration.worker(), gateway);
        maybeStart();
    }

    private void maybeStart() {
        boolean heartbeats = !settings.heartbeatTimeout().isZero();
        if (phase != Phase.AWAITING_WORKERS || !registry.isComplete() || (heartbeats && !registry.allHeartbeated())) {
            return;
        }
        GraphAgreement.Result agreement = GraphAgreement.agree(registry.peers().workers(), settings.parallelism(),
                settings.maxParallelism());
        if (!agreement.agreed()) {
            fail(AttemptFailure.recoverable(AttemptFailure.Cause.GraphMismatch, agreement.mismatch()));
            return;
        }
        Set<ExecutionVertexId> subtasks = agreement.subtasks();
        tasks.know(subtasks);
        topology = agreement.topology();
        // Tasks ignore barriers of ids they have started, even of a checkpoint an earlier coordinator never completed.
        long firstId = Math.max(settings.firstCheckpointId(), registry.highestReportedCheckpointId() + 1);
        CheckpointCoordinator c = new CheckpointCoordinator(settings.jobName(), settings.parallelism(),
                settings.maxParallelism(), settings.checkpoint(), clock, subtasks, links, store, io,
                new Outcomes(), firstId);
        checkpoints = c;
        scheduler = new CheckpointScheduler(c);
        scheduler.start();
        phase = Phase.RUNNING;
        LOG.info("job {}: all {} workers of attempt {} registered; coordinating checkpoints from id {}",
                settings.jobName(), settings.workers(), settings.attempt(), firstId);
        listener.onRunning(topology, firstId);
        // Tasks may have reported that they run, or even ended, before every worker registered (or
        // before this coordinator took over: heard through re-attached workers' heartbeats).
        maybeStartPeriodicCheckpoints();
        maybeFinish();
    }

    private void onTaskEvent(TaskEvent event) {
        switch (event.kind()) {
            case RUNNING -> onTaskRunning(event.vertex());
            case END_OF_DATA -> onEndOfData(event.vertex());
            case FINISHED -> {
                tasks.finished(event.vertex());
                if (tasks.allFinished() && phase != Phase.ENDED) {
                    end(new AttemptOutcome.Finished());
                }
            }
            case FAILED -> fail(new AttemptFailure(AttemptFailure.Cause.TaskFailed,
                    "task " + event.vertex() + " failed: " + event.error(), event.unrecoverable()));
            default -> throw new IllegalArgumentException("unknown task event " + event.kind());
        }
    }

    private void onTaskRunning(ExecutionVertexId vertex) {
        if (tasks.running(vertex)) {
            maybeStartPeriodicCheckpoints();
        }
    }

    /**
     * Periodic checkpoints start once every task runs (the first one interval after this attempt's
     * checkpoint coordinator started, or at once if that has passed). Triggered earlier, the first
     * one waited for the slowest worker's start-up (restore, storage client) holding the one slot.
     */
    private void maybeStartPeriodicCheckpoints() {
        if (phase == Phase.RUNNING && !everyTaskRunning && tasks.allRunning()) {
            everyTaskRunningSince = clock.millis();
            everyTaskRunning = true;
            LOG.debug("job {}: every task of attempt {} runs", settings.jobName(), settings.attempt());
            checkpoints.startPeriodicCheckpoints();
            listener.onTasksRunning();
        }
    }

    private void onEndOfData(ExecutionVertexId vertex) {
        if (tasks.ended(vertex)) {
            maybeFinish();
        }
    }

    /** A bounded job ends with a checkpoint, so transactional sinks commit everything before the tasks exit. */
    private void maybeFinish() {
        if (phase == Phase.RUNNING && tasks.allEnded()) {
            phase = Phase.FINISHING;
            // Nothing is left to checkpoint after the final checkpoint; it is requested (and retried) below.
            scheduler.stop();
            LOG.debug("job {}: every task of attempt {} reached the end of its data; final checkpoint",
                    settings.jobName(), settings.attempt());
            requestFinalCheckpoint();
        }
    }

    private void requestFinalCheckpoint() {
        checkpoints.triggerCheckpoint(CheckpointType.CHECKPOINT).whenComplete((stats, error) -> post(() -> {
            if (phase != Phase.FINISHING) {
                return;
            }
            if (error == null) {
                // Only once every worker has the completion notice: its sinks commit before their input ends.
                links.completionNoticed(stats.checkpointId()).whenComplete((ok, ignored) -> post(() -> {
                    if (phase == Phase.FINISHING) {
                        links.sendToAllBestEffort(WorkerGateway::finish, "finish");
                    }
                }));
            } else {
                LOG.warn("job {}: final checkpoint failed ({}); trying again", settings.jobName(), rootMessage(error));
                requestFinalCheckpoint();
            }
        }));
    }

    private void tick() {
        if (phase == Phase.ENDED) {
            return;
        }
        Set<Integer> silent = settings.heartbeatTimeout().isZero() ? Set.of() : registry.silentWorkers();
        if (!silent.isEmpty()) {
            fail(AttemptFailure.recoverable(AttemptFailure.Cause.HeartbeatTimeout, "worker " + silent.iterator().next()
                    + " sent no heartbeat for " + settings.heartbeatTimeout().toMillis() + " ms"));
            return;
        }
        Duration limit = settings.registrationTimeout();
        if (phase == Phase.AWAITING_WORKERS && !limit.isZero() && clock.millis() - startedAt > limit.toMillis()) {
            fail(AttemptFailure.recoverable(AttemptFailure.Cause.RegistrationTimeout, registeredWorkers() + " of "
                    + settings.workers() + " workers registered within " + limit.toMillis() + " ms"));
        }
    }

    private void fail(AttemptFailure cause) {
        if (phase == Phase.ENDED) {
            return;
        }
        LOG.warn("job {}: attempt {} failed: {}", settings.jobName(), settings.attempt(), cause.describe());
        failure = cause;
        end(new AttemptOutcome.Failed(cause));
        listener.onAttemptFailed(cause);
    }

    private void end(AttemptOutcome result) {
        if (phase == Phase.ENDED) {
            return;
        }
        phase = Phase.ENDED;
        stopCheckpointing(result instanceof AttemptOutcome.Failed f ? f.failure().describe() : null);
        if (!(result instanceof AttemptOutcome.Finished)) {
            links.sendToAllBestEffort(WorkerGateway::cancel, "cancel");
        }
        LOG.debug("job {}: attempt {} ended: {}", settings.jobName(), settings.attempt(), result);
        outcome.complete(result);
    }

    private void stopCheckpointing(String failover) {
        if (scheduler != null) {
            scheduler.stop();
        }
        CheckpointCoordinator c = checkpoints;
        if (c != null) {
            if (failover != null) {
                c.abortPending(CheckpointFailureReason.JOB_FAILOVER, failover);
            }
            c.shutdown();
        }
    }

    private boolean allFinished(int worker) {
        for (WorkerRegistration registration : registry.peers().workers()) {
            if (registration.worker() == worker) {
                return tasks.allFinished(registration.subtasks());
            }
        }
        return false;
    }

    private String notRunning() {
        return switch (phase) {
            case AWAITING_WORKERS -> "not all workers of attempt " + settings.attempt() + " are running yet";
            case FINISHING -> "job " + settings.jobName() + " is finishing (its sources reached the end of their input)";
            default -> "attempt " + settings.attempt() + " of job " + settings.jobName() + " is not running";
        };
    }

    /** Runs {@code action} on the mailbox; false once the attempt is closed. */
    private boolean post(Runnable action) {
        try {
            mailbox.execute(() -> run(action));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void run(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("job {}: attempt {}: unexpected error in the coordinator", settings.jobName(),
                    settings.attempt(), e);
        }
    }

    private static void forward(CompletableFuture<CompletedCheckpointStats> from,
                                CompletableFuture<CompletedCheckpointStats> to) {
        from.whenComplete((stats, error) -> {
            if (error == null) {
                to.complete(stats);
            } else {
                to.completeExceptionally(error instanceof CompletionException c && c.getCause() != null
                        ? c.getCause() : error);
            }
        });
    }

    static String rootMessage(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Ends the attempt's threads; call after its outcome, or after {@link #detach()}. */
    @Override
    public void close() {
        post(() -> {
            if (phase != Phase.ENDED) {
                end(new AttemptOutcome.Canceled("closed"));
            }
        });
        mailbox.shutdown();
        try {
            mailbox.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        links.close();
    }

    /** The checkpoint coordinator's outcomes: recorded, passed to the host, and the tolerance enforced. */
    private final class Outcomes implements CheckpointOutcomeListener {

        @Override
        public void onCheckpointTriggered(long checkpointId, CheckpointType type, long triggerTimestamp) {
            listener.onCheckpointTriggered(checkpointId, type, triggerTimestamp);
        }

        @Override
        public void onCheckpointCompleted(CompletedCheckpointStats stats) {
            if (stats.type() == CheckpointType.CHECKPOINT) {
                lastCheckpoint = stats;
            }
            listener.onCheckpointCompleted(stats);
        }

        @Override
        public void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {
            listener.onCheckpointFailed(checkpointId, reason, message);
        }

        @Override
        public void onTolerableFailuresExceeded(int consecutiveFailures, long failingForMs, String lastReason) {
            post(() -> fail(AttemptFailure.recoverable(AttemptFailure.Cause.CheckpointsFailing,
                    consecutiveFailures + " consecutive checkpoint failures in " + failingForMs + " ms; last: "
                            + lastReason)));
        }
    }
}
