package dev.weir.operator.runtime;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.AttemptCoordinator;
import dev.weir.coordinator.AttemptListener;
import dev.weir.coordinator.AttemptOutcome;
import dev.weir.coordinator.BothListeners;
import dev.weir.coordinator.CheckpointCoordinator;
import dev.weir.coordinator.CheckpointFailureReason;
import dev.weir.coordinator.Clock;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.coordinator.StorageCompletedCheckpointStore;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.coordinator.remote.WorkerClient;
import dev.weir.coordinator.rest.JobRestRoutes;
import dev.weir.coordinator.rest.JobStatusTracker;
import dev.weir.operator.JobKey;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.CompletedCheckpointRef;
import dev.weir.runtime.storage.S3ObjectStore;

/**
 * The real {@link JobRuntime}: one {@link CoordinatorServer} for all jobs (its owner's to close), and
 * per running attempt an {@link AttemptCoordinator} its workers register with. Holds nothing the
 * operator cannot rebuild: closing it (the operator stops) leaves the workers running, and after a
 * restart {@link #ensureAttempt} hosts the attempt again; its workers register again when their
 * heartbeats reach it, and checkpoint ids continue above both storage and what the workers report.
 * It never loads a job's classes: the workers bring the job's graph.
 */
public final class CoordinatorJobRuntime implements JobRuntime, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorJobRuntime.class);

    /** One hosted attempt: its coordinator, its storage and the savepoints asked of it, by request id. */
    private record Hosted(AttemptCoordinator coordinator, CheckpointStorage storage, ExecutorService io,
                          Map<String, CompletableFuture<CompletedCheckpointStats>> savepoints) {

        long attempt() {
            return coordinator.attempt();
        }

        /** After the I/O already queued (a metadata write, a discard), never under it. */
        void closeStorage() {
            try {
                io.execute(storage::close);
            } catch (RejectedExecutionException e) {
                storage.close();
            }
            io.shutdown();
        }
    }

    private final CoordinatorServer server;
    private final String coordinatorUrl;
    private final Map<JobKey, Hosted> attempts = new ConcurrentHashMap<>();
    private volatile Consumer<JobKey> attemptEnded = job -> { };
    /** What the REST API shows of each job, kept across its attempts while the operator runs. */
    private final Map<JobKey, JobStatusTracker> trackers = new ConcurrentHashMap<>();
    private final JobRestRoutes restApi = new JobRestRoutes();

    private final StreamJobActions actions;

    /** The REST API refuses actions (with the kubectl command for each). */
    public CoordinatorJobRuntime(CoordinatorServer server, String coordinatorUrl) {
        this(server, coordinatorUrl, null);
    }

    /** @param actions how the REST API's savepoint and stop change a StreamJob; null: refused */
    public CoordinatorJobRuntime(CoordinatorServer server, String coordinatorUrl, StreamJobActions actions) {
        this.server = server;
        this.coordinatorUrl = coordinatorUrl;
        this.actions = actions;
        server.serveRestApi(restApi);
    }

    @Override
    public void onAttemptEnded(Consumer<JobKey> listener) {
        this.attemptEnded = listener;
    }

    @Override
    public String coordinatorUrl() {
        return coordinatorUrl;
    }

    @Override
    public synchronized void ensureAttempt(AttemptPlan plan, Set<Integer> runningWorkers) throws JobRuntimeException {
        Hosted existing = attempts.get(plan.job());
        if (existing != null && existing.attempt() == plan.attempt()) {
            return;
        }
        stopAttempt(plan.job());
        CheckpointStorage storage = open(plan.storage());
        long nextId;
        try {
            nextId = storage.highestCheckpointIdSeen() + 1;
        } catch (IOException e) {
            storage.close();
            throw new JobRuntimeException(JobRuntimeException.Reason.StorageUnavailable,
                    "cannot list " + plan.storage().describe() + ": " + e.getMessage(), e);
        }
        String name = plan.job().coordinatorJobName();
        JobStatusTracker tracker = trackers.computeIfAbsent(plan.job(), job -> new JobStatusTracker(name,
                Clock.system()));
        tracker.onAttemptStarted(plan.attempt(), null);
        ExecutorService io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "weir-checkpoint-io-" + name);
            t.setDaemon(true);
            return t;
        });
        // Pods may wait long for a node or an image: no registration deadline; a failed pod is seen by the reconciler.
        AttemptCoordinator coordinator = new AttemptCoordinator(new AttemptCoordinator.Settings(name, plan.attempt(),
                plan.parallelism(), plan.maxParallelism(), plan.parallelism(), plan.checkpoint(), plan.heartbeatTimeout(),
                Duration.ZERO, nextId), new StorageCompletedCheckpointStore(storage), io, Clock.system(),
                registration -> WorkerClient.forWorker(registration, plan.token(), server.tls()),
                new BothListeners(new Metrics(plan.job()), tracker));
        coordinator.expectRunning(runningWorkers);
        // A failure the coordinator saw first (a peer's report, silence) restarts the job now, not at the next poll.
        coordinator.outcome().thenAccept(outcome -> {
            if (outcome instanceof AttemptOutcome.Failed || outcome instanceof AttemptOutcome.Finished) {
                attemptEnded.accept(plan.job());
            }
        });
        attempts.put(plan.job(), new Hosted(coordinator, storage, io, new ConcurrentHashMap<>()));
        server.register(name, plan.token(), coordinator.endpoint());
        JobKey key = plan.job();
        restApi.serve(name, new HostedRestJob(key, tracker, () -> {
            Hosted current = attempts.get(key);
            return current == null ? null : current.coordinator();
        }, actions, requestId -> {
            Hosted current = attempts.get(key);
            return current == null
                    ? CompletableFuture.failedFuture(new IllegalStateException("job " + key + " is not running"))
                    : current.savepoints().computeIfAbsent(requestId, id -> current.coordinator().triggerSavepoint());
        }), plan.token());
        LOG.info("job {}: hosting attempt {}{}", plan.job(), plan.attempt(),
                runningWorkers.isEmpty() ? "" : " (re-attaching to " + runningWorkers.size() + " running workers)");
    }

    @Override
    public AttemptView observe(JobKey job, long attempt) {
        Hosted hosted = attempts.get(job);
        if (hosted == null || hosted.attempt() != attempt) {
            return AttemptView.NOT_HOSTED;
        }
        AttemptCoordinator c = hosted.coordinator();
        CompletedCheckpointStats last = c.lastCheckpoint();
        return new AttemptView(true, c.registeredWorkers(), c.failure(), c.finished(), last == null ? null : snapshot(last),
                health(c));
    }

    private static CheckpointHealth health(AttemptCoordinator c) {
        CheckpointCoordinator checkpoints = c.checkpoints();
        if (!c.everyTaskRunning() || checkpoints == null) {
            return CheckpointHealth.NOT_RUNNING;
        }
        CheckpointCoordinator.FailureRun run = checkpoints.failureRun();
        return new CheckpointHealth(c.everyTaskRunningSince(), run.consecutive(), run.failingForMs(), run.lastFailure());
    }

    /** One savepoint per request id; a failed one is replaced by a new savepoint when asked again. */
    @Override
    public SavepointState savepoint(JobKey job, long attempt, String requestId) {
        Hosted hosted = attempts.get(job);
        if (hosted == null || hosted.attempt() != attempt) {
            return SavepointState.failed("attempt " + attempt + " is not running");
        }
        CompletableFuture<CompletedCheckpointStats> future = hosted.savepoints().computeIfAbsent(requestId,
                id -> hosted.coordinator().triggerSavepoint());
        if (!future.isDone()) {
            return SavepointState.IN_PROGRESS;
        }
        try {
            return SavepointState.completed(snapshot(future.join()));
        } catch (RuntimeException e) {
            hosted.savepoints().remove(requestId, future);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return SavepointState.failed(cause.getMessage());
        }
    }

    @Override
    public synchronized void stopAttempt(JobKey job) {
        Hosted hosted = attempts.remove(job);
        if (hosted != null) {
            server.unregister(job.coordinatorJobName());
            restApi.remove(job.coordinatorJobName());
            hosted.coordinator().cancel();
            hosted.coordinator().close();
            hosted.closeStorage();
            LOG.info("job {}: stopped coordinating attempt {}", job, hosted.attempt());
        }
    }

    @Override
    public synchronized void detachAll() {
        for (JobKey job : Set.copyOf(attempts.keySet())) {
            Hosted hosted = attempts.remove(job);
            server.unregister(job.coordinatorJobName());
            restApi.remove(job.coordinatorJobName());
            hosted.coordinator().detach();
            hosted.coordinator().close();
            hosted.closeStorage();
            LOG.info("job {}: detached from attempt {}; its workers keep running for the next coordinator", job,
                    hosted.attempt());
        }
    }

    @Override
    public void disposeSavepoint(JobKey job, StorageAccess access, long savepointId) throws IOException {
        try (CheckpointStorage storage = new CheckpointStorage(new S3ObjectStore(access.s3()), access.basePath())) {
            storage.discard(savepointId, CheckpointType.SAVEPOINT);
            LOG.info("job {}: disposed of savepoint {} at {}", job, savepointId,
                    storage.location(savepointId, CheckpointType.SAVEPOINT));
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<SnapshotInfo> latestCheckpoint(JobKey job, StorageAccess access) throws IOException {
        try (CheckpointStorage storage = new CheckpointStorage(new S3ObjectStore(access.s3()), access.basePath())) {
            Optional<CompletedCheckpointRef> latest = storage.findLatestCompleted();
            return latest.map(ref -> new SnapshotInfo(ref.id(), ref.location(), ref.metadata().completionTimestamp(),
                    ref.metadata().completionTimestamp() - ref.metadata().triggerTimestamp(),
                    ref.metadata().stateSize()));
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static CheckpointStorage open(StorageAccess access) throws JobRuntimeException {
        try {
            return new CheckpointStorage(new S3ObjectStore(access.s3()), access.basePath());
        } catch (RuntimeException e) {
            throw new JobRuntimeException(JobRuntimeException.Reason.StorageUnavailable,
                    "cannot open " + access.describe() + ": " + e.getMessage(), e);
        }
    }

    static SnapshotInfo snapshot(CompletedCheckpointStats stats) {
        return new SnapshotInfo(stats.checkpointId(), stats.location(), stats.completionTimestamp(), stats.durationMs(),
                stats.stateSize());
    }

    /** The operator stops: its workers do not (see {@link #detachAll}). */
    @Override
    public void close() {
        detachAll();
    }

    /** Checkpoint outcomes into the operator's metrics. */
    private record Metrics(JobKey job) implements JobMasterListener {

        @Override
        public void onCheckpointCompleted(CompletedCheckpointStats stats) {
            if (stats.type() == CheckpointType.CHECKPOINT) {
                OperatorMetrics.checkpointCompleted(job, stats);
            }
        }

        @Override
        public void onCheckpointFailed(long checkpointId, CheckpointFailureReason reason, String message) {
            LOG.info("job {}: checkpoint {} failed ({}): {}", job, checkpointId, reason, message);
            if (reason.isFailure()) {
                OperatorMetrics.checkpointFailed(job);
            }
        }
    }
}
