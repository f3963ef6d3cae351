package dev.weir.local;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.weir.coordinator.DeployedJob;
import dev.weir.coordinator.JobDeployer;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.exec.ExecutionAttempt;
import dev.weir.runtime.exec.JobGraph;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.exec.LocalChannelFactory;
import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.StateAssignment;
import dev.weir.runtime.exec.TaskEnvironment;
import dev.weir.runtime.exec.TaskListener;
import dev.weir.runtime.exec.TaskRestore;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.usercode.LocalJobJar;
import dev.weir.runtime.usercode.UserCode;

/** Runs every subtask of the job as a thread of this process, connected by in-memory channels. */
public final class InProcessDeployer implements JobDeployer {

    /**
     * What the deployer needs to know about the job.
     *
     * @param jar the job jar, with its checksum (workers load exactly that content); null when the
     *     job class is on Weir's class path
     */
    public record JobSpecification(String jobName, String className, JobArgs args, int parallelism,
                                   int maxParallelism, CheckpointingMode mode, LocalJobJar jar) {

        /** A job whose class is on Weir's class path. */
        public JobSpecification(String jobName, String className, JobArgs args, int parallelism, int maxParallelism,
                                CheckpointingMode mode) {
            this(jobName, className, args, parallelism, maxParallelism, mode, null);
        }

        public JobSpecification withJar(LocalJobJar jobJar) {
            return new JobSpecification(jobName, className, args, parallelism, maxParallelism, mode, jobJar);
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
            StreamEnvironment env = new StreamEnvironment(job.parallelism(), job.maxParallelism());
            code.define(definition, env, job.args());
            JobGraph graph = new JobGraph(env);
            if (signature != null && !signature.equals(graph.signature())) {
                throw new IllegalStateException("job class " + job.className()
                        + " built different graphs for the same arguments; it must be deterministic");
            }
            signature = graph.signature();
            graphs.put(subtask, graph);
        }
        return graphs;
    }

    /** Each attempt loads the job jar in a class loader of its own, closed when the attempt has ended. */
    @Override
    public DeployedJob deploy(long attempt, RestoreTarget restore, TaskListener listener) throws Exception {
        UserCode code = UserCode.open(job.jar());
        try {
            return deploy(attempt, restore, listener, code);
        } catch (Exception | Error e) {
            code.close();
            throw e;
        }
    }

    private DeployedJob deploy(long attempt, RestoreTarget restore, TaskListener listener, UserCode code)
            throws Exception {
        Set<Integer> subtasks = IntStream.range(0, job.parallelism()).boxed().collect(Collectors.toSet());
        Map<Integer, JobGraph> graphs = buildGraphs(job, code, subtasks);
        Map<ExecutionVertexId, TaskRestore> restores = restore == null ? Map.of()
                : StateAssignment.assign(restore.metadata(), restore.location(), graphs.get(0),
                        job.parallelism(), job.maxParallelism());
        ProcessingTimeService timeService = new ProcessingTimeService();
        ExecutorService snapshots = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "weir-snapshot-upload");
            t.setDaemon(true);
            return t;
        });
        ExecutionAttempt.Settings settings = new ExecutionAttempt.Settings(job.jobName(), job.parallelism(),
                job.maxParallelism(), attempt, job.mode(), BATCH_SIZE, code.classLoader());
        ExecutionAttempt execution = new ExecutionAttempt(settings, graphs, subtasks,
                new LocalChannelFactory(CHANNEL_CAPACITY),
                vertex -> new TaskEnvironment(job.jobName(), vertex, job.parallelism(), job.maxParallelism(), attempt,
                        job.mode(), storage, snapshots, timeService, listener, restores.get(vertex), BATCH_SIZE, metrics));
        execution.start();
        return new Deployed(execution, timeService, snapshots, code);
    }

    private record Deployed(ExecutionAttempt execution, ProcessingTimeService timeService, ExecutorService snapshots,
                            UserCode code) implements DeployedJob {

        @Override
        public Set<ExecutionVertexId> vertices() {
            return execution.vertices();
        }

        @Override
        public void triggerCheckpoint(long checkpointId, long timestamp, CheckpointType type) {
            execution.triggerCheckpoint(checkpointId, timestamp, type);
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
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            boolean done = execution.awaitTermination(timeout);
            timeService.close();
            snapshots.shutdown();
            code.close();
            return done;
        }
    }
}
