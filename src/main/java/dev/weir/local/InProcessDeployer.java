package dev.weir.local;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.weir.coordinator.AttemptCoordinator;
import dev.weir.coordinator.AttemptEndpoint;
import dev.weir.coordinator.JobDeployer;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.coordinator.WorkerGateway;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.exec.ExecutionAttempt;
import dev.weir.runtime.exec.JobGraph;
import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.exec.LocalChannelFactory;
import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.StateAssignment;
import dev.weir.runtime.exec.SystemProcessingTimeService;
import dev.weir.runtime.exec.TaskEnvironment;
import dev.weir.runtime.exec.TaskListener;
import dev.weir.runtime.exec.TaskRestore;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.usercode.LocalJobJar;
import dev.weir.runtime.usercode.UserCode;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/** Runs every subtask of the job as a thread of this process, connected by in-memory channels. */
public final class InProcessDeployer implements JobDeployer {

    /**
     * What the deployer needs to know about the job.
     *
     * @param jar the job jar, with its checksum (workers load exactly that content); null when the
     *     job class is on Weir's class path
     */
    public record JobSpecification(String jobName, String className, JobArgs args, int parallelism,
                                   int maxParallelism, CheckpointingMode mode, LocalJobJar jar,
                                   StateBackendSettings stateBackend) {

        public JobSpecification(String jobName, String className, JobArgs args, int parallelism, int maxParallelism,
                                CheckpointingMode mode, LocalJobJar jar) {
            this(jobName, className, args, parallelism, maxParallelism, mode, jar, StateBackendSettings.HEAP);
        }

        /** A job whose class is on Weir's class path, with keyed state on the heap. */
        public JobSpecification(String jobName, String className, JobArgs args, int parallelism, int maxParallelism,
                                CheckpointingMode mode) {
            this(jobName, className, args, parallelism, maxParallelism, mode, null);
        }

        public JobSpecification withStateBackend(StateBackendSettings settings) {
            return new JobSpecification(jobName, className, args, parallelism, maxParallelism, mode, jar, settings);
        }
    }

    private static final int BATCH_SIZE = 512;
    private static final int CHANNEL_CAPACITY = 8;

    private final JobSpecification job;
    private final CheckpointStorage storage;
    private final JobMetrics metrics;

    public InProcessDeployer(JobSpecification job, CheckpointStorage storage, JobMetrics metrics) {
        this.job = job;
        this.storage = storage;
        this.metrics = metrics;
    }

    /** Builds the job graph once per subtask: each subtask gets its own instances of the user's functions. */
    public static Map<Integer, JobGraph> buildGraphs(JobSpecification job, UserCode code, Set<Integer> subtasks) {
        JobDefinition definition = code.jobDefinition(job.className());
        Map<Integer, JobGraph> graphs = new HashMap<>();
        String signature = null;
        for (int subtask : subtasks) {
            JobGraph graph = code.buildGraph(definition, job.parallelism(), job.maxParallelism(), job.args());
            if (signature != null && !signature.equals(graph.signature())) {
                throw new UnrecoverableJobException(UnrecoverableJobException.Kind.JOB_CLASS, "job class '"
                        + job.className() + "' built different graphs for the same arguments; it must be deterministic");
            }
            signature = graph.signature();
            graphs.put(subtask, graph);
        }
        return graphs;
    }

    /** Every subtask runs in this process: one worker, without heartbeats (it cannot go silent alone). */
    @Override
    public Workers workers() {
        return new Workers(1, Duration.ZERO, Duration.ZERO, null);
    }

    /** Each attempt loads the job jar in a class loader of its own, closed when the attempt has ended. */
    @Override
    public Deployment deploy(long attempt, RestoreTarget restore, AttemptCoordinator coordinator) {
        UserCode code = UserCode.open(job.jar());
        try {
            return deploy(attempt, restore, coordinator, code);
        } catch (RuntimeException | Error e) {
            code.close();
            throw e;
        }
    }

    private Deployment deploy(long attempt, RestoreTarget restore, AttemptCoordinator coordinator, UserCode code) {
        Set<Integer> subtasks = IntStream.range(0, job.parallelism()).boxed().collect(Collectors.toSet());
        Map<Integer, JobGraph> graphs = buildGraphs(job, code, subtasks);
        Map<ExecutionVertexId, TaskRestore> restores = restore == null ? Map.of()
                : StateAssignment.assign(restore.metadata(), restore.location(), graphs.get(0), job.maxParallelism());
        ProcessingTimeService timeService = new SystemProcessingTimeService();
        ExecutorService snapshots = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "weir-snapshot-upload");
            t.setDaemon(true);
            return t;
        });
        TaskListener reports = new TaskReports(attempt, coordinator.endpoint());
        ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings(job.jobName(), job.parallelism(),
                job.maxParallelism(), attempt, job.mode(), BATCH_SIZE, code.classLoader());
        ExecutionAttempt execution = new ExecutionAttempt(settings, graphs, subtasks,
                new LocalChannelFactory(CHANNEL_CAPACITY),
                vertex -> new TaskEnvironment(job.jobName(), vertex, job.parallelism(), job.maxParallelism(), attempt,
                        job.mode(), storage, snapshots, timeService, reports, restores.get(vertex), BATCH_SIZE, metrics,
                        job.stateBackend()));
        Deployed deployed = new Deployed(execution, timeService, snapshots, code);
        JobTopology topology = JobTopology.of(graphs.get(0), job.parallelism(), job.maxParallelism());
        coordinator.register(new WorkerRegistration(job.jobName(), attempt, 0, "in-process", 0, 0, topology,
                topology.subtasks()), deployed);
        execution.start();
        return deployed;
    }

    /** The tasks' reports, as the messages a worker would send its coordinator. */
    private record TaskReports(long attempt, AttemptEndpoint coordinator) implements TaskListener {

        @Override
        public void acknowledgeCheckpoint(TaskAcknowledgement acknowledgement) {
            coordinator.acknowledge(new Acknowledge(attempt, acknowledgement));
        }

        @Override
        public void declineCheckpoint(long checkpointId, ExecutionVertexId vertex, String reason) {
            coordinator.decline(new Decline(attempt, checkpointId, vertex, reason));
        }

        @Override
        public void running(ExecutionVertexId vertex) {
            coordinator.taskEvent(new TaskEvent(attempt, vertex, TaskEvent.Kind.RUNNING, null));
        }

        @Override
        public void endOfData(ExecutionVertexId vertex) {
            coordinator.taskEvent(new TaskEvent(attempt, vertex, TaskEvent.Kind.END_OF_DATA, null));
        }

        @Override
        public void finished(ExecutionVertexId vertex) {
            coordinator.taskEvent(new TaskEvent(attempt, vertex, TaskEvent.Kind.FINISHED, null));
        }

        @Override
        public void failed(ExecutionVertexId vertex, Throwable cause) {
            UnrecoverableJobException unrecoverable = UnrecoverableJobException.find(cause);
            coordinator.taskEvent(new TaskEvent(attempt, vertex, TaskEvent.Kind.FAILED,
                    unrecoverable == null ? String.valueOf(cause) : unrecoverable.getMessage(),
                    unrecoverable == null ? null : unrecoverable.kind()));
        }
    }

    /** The attempt's tasks: the one worker of the coordinator, and what stops them. */
    private record Deployed(ExecutionAttempt execution, ProcessingTimeService timeService, ExecutorService snapshots,
                            UserCode code) implements WorkerGateway, Deployment {

        @Override
        public void triggerCheckpoint(TriggerCheckpoint trigger) {
            execution.triggerCheckpoint(trigger.barrier());
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            execution.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) {
            execution.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void finish() {
            execution.finish();
        }

        @Override
        public void cancel() {
            execution.cancel();
        }

        @Override
        public String describe() {
            return "the tasks of this process";
        }

        @Override
        public void stop() {
            execution.cancel();
        }

        @Override
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            boolean done = execution.awaitTermination(timeout);
            timeService.close();
            snapshots.shutdown();
            code.close();
            return done;
        }
    }
}
