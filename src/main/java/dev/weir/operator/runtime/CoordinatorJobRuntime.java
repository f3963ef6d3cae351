package dev.weir.operator.runtime;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.coordinator.remote.PeerRegistry;
import dev.weir.coordinator.remote.TaskListenerEndpoint;
import dev.weir.operator.JobKey;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.exec.JobGraph;
import dev.weir.runtime.usercode.UserCode;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.CompletedCheckpointRef;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/**
 * The real {@link JobRuntime}: one {@link CoordinatorServer} for all jobs (its owner's to close), and per running attempt
 * a {@link HostedAttempt} with its checkpoint coordinator. Holds nothing the operator cannot
 * rebuild: closing it (the operator stops) leaves the workers running, and after a restart
 * {@link #ensureAttempt} re-attaches to them, with checkpoint ids above both storage and what the
 * workers report.
 */
public final class CoordinatorJobRuntime implements JobRuntime, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorJobRuntime.class);

    private final CoordinatorServer server;
    private final String coordinatorUrl;
    private final Duration heartbeatTimeout;
    private final Map<JobKey, HostedAttempt> attempts = new ConcurrentHashMap<>();

    public CoordinatorJobRuntime(CoordinatorServer server, String coordinatorUrl, Duration heartbeatTimeout) {
        this.server = server;
        this.coordinatorUrl = coordinatorUrl;
        this.heartbeatTimeout = heartbeatTimeout;
    }

    @Override
    public String coordinatorUrl() {
        return coordinatorUrl;
    }

    @Override
    public synchronized void ensureAttempt(AttemptPlan plan, List<WorkerRegistration> knownWorkers)
            throws JobRuntimeException {
        HostedAttempt existing = attempts.get(plan.job());
        if (existing != null && existing.attempt() == plan.attempt()) {
            return;
        }
        stopAttempt(plan.job());
        Set<ExecutionVertexId> vertices = vertices(plan);
        CheckpointStorage storage = open(plan.storage());
        long nextId;
        try {
            nextId = storage.highestCheckpointIdSeen() + 1;
        } catch (IOException e) {
            storage.close();
            throw new JobRuntimeException(JobRuntimeException.Reason.StorageUnavailable,
                    "cannot list " + plan.storage().describe() + ": " + e.getMessage(), e);
        }
        HostedAttempt attempt = new HostedAttempt(plan, vertices, storage, nextId, heartbeatTimeout, knownWorkers);
        attempts.put(plan.job(), attempt);
        PeerRegistry registry = attempt.registry();
        server.register(plan.job().coordinatorJobName(), plan.token(), new TaskListenerEndpoint(registry, attempt));
        LOG.info("job {}: hosting attempt {}{}", plan.job(), plan.attempt(),
                knownWorkers.isEmpty() ? "" : " (re-attached to " + knownWorkers.size() + " running workers)");
    }

    @Override
    public AttemptView observe(JobKey job, long attempt) {
        HostedAttempt hosted = attempts.get(job);
        return hosted == null || hosted.attempt() != attempt ? AttemptView.NOT_HOSTED : hosted.view();
    }

    @Override
    public SavepointState savepoint(JobKey job, long attempt, String requestId) {
        HostedAttempt hosted = attempts.get(job);
        if (hosted == null || hosted.attempt() != attempt) {
            return SavepointState.failed("attempt " + attempt + " is not running");
        }
        return hosted.savepoint(requestId);
    }

    @Override
    public synchronized void stopAttempt(JobKey job) {
        HostedAttempt hosted = attempts.remove(job);
        if (hosted != null) {
            server.unregister(job.coordinatorJobName());
            hosted.stop();
            LOG.info("job {}: stopped coordinating attempt {}", job, hosted.attempt());
        }
    }

    @Override
    public synchronized void detachAll() {
        for (JobKey job : List.copyOf(attempts.keySet())) {
            HostedAttempt hosted = attempts.remove(job);
            server.unregister(job.coordinatorJobName());
            hosted.detach();
            LOG.info("job {}: detached from attempt {}; its workers keep running for the next coordinator", job,
                    hosted.attempt());
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

    /**
     * The subtasks that must acknowledge each checkpoint, from the job's graph. Building it here
     * needs the job class on the operator's classpath: true for the one image that serves operator
     * and workers; a user image must extend that image for its operator too.
     */
    private static Set<ExecutionVertexId> vertices(AttemptPlan plan) throws JobRuntimeException {
        JobGraph graph;
        try {
            JobDefinition definition = UserCode.open(null).jobDefinition(plan.className());
            StreamEnvironment env = new StreamEnvironment(plan.parallelism(), plan.maxParallelism());
            definition.define(env, new JobArgs(plan.args()));
            graph = new JobGraph(env);
        } catch (Exception | LinkageError e) {
            throw new JobRuntimeException(JobRuntimeException.Reason.UnknownJobClass,
                    "cannot build job " + plan.className() + ": " + e.getMessage(), e);
        }
        Set<ExecutionVertexId> vertices = new LinkedHashSet<>();
        for (int worker = 0; worker < plan.parallelism(); worker++) {
            for (JobGraph.JobVertex vertex : graph.vertices()) {
                vertices.add(new ExecutionVertexId(vertex.name(), worker));
            }
        }
        return vertices;
    }

    private static CheckpointStorage open(StorageAccess access) throws JobRuntimeException {
        try {
            return new CheckpointStorage(new S3ObjectStore(access.s3()), access.basePath());
        } catch (RuntimeException e) {
            throw new JobRuntimeException(JobRuntimeException.Reason.StorageUnavailable,
                    "cannot open " + access.describe() + ": " + e.getMessage(), e);
        }
    }

    /** The operator stops: its workers do not (see {@link #detachAll}). */
    @Override
    public void close() {
        detachAll();
    }
}
