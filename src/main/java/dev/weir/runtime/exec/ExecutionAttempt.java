package dev.weir.runtime.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.metrics.TaskIoMetrics;
import dev.weir.runtime.exec.operators.Output;
import dev.weir.runtime.exec.operators.RecordTimestamp;
import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.InputGate;
import dev.weir.runtime.network.OutputChannel;
import dev.weir.runtime.network.ResultPartition;

/**
 * One attempt of running (some of) a job's subtasks in this process, one thread each: wires the
 * chains to their channels, starts the threads, and relays the coordinator's messages.
 */
public final class ExecutionAttempt {

    /**
     * Settings of an attempt that do not vary per subtask.
     *
     * @param userCode the context class loader of the task threads: the job's user-code class loader
     */
    public record Settings(String jobName, int parallelism, int maxParallelism, long attempt,
                           CheckpointingMode mode, int batchSize, ClassLoader userCode) {

        /** For jobs whose classes are on Weir's own class path. */
        public Settings(String jobName, int parallelism, int maxParallelism, long attempt, CheckpointingMode mode,
                        int batchSize) {
            this(jobName, parallelism, maxParallelism, attempt, mode, batchSize, ExecutionAttempt.class.getClassLoader());
        }
    }

    private final Settings settings;
    private final List<StreamTask> tasks = new ArrayList<>();
    private final List<StreamTask> sourceTasks = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<ExecutionVertexId, TaskIoMetrics> metrics = new java.util.LinkedHashMap<>();
    private final ChannelFactory channels;

    /**
     * @param graphs each local subtask's own build of the job graph (user functions are per subtask)
     * @param subtasks which subtask indexes run in this process: of each task, those below its parallelism
     * @param environment creates the environment of one subtask
     */
    public ExecutionAttempt(Settings settings, Map<Integer, JobGraph> graphs, Set<Integer> subtasks,
                            ChannelFactory channels, java.util.function.Function<ExecutionVertexId, TaskEnvironment> environment) {
        this.settings = settings;
        this.channels = channels;
        for (int subtask : subtasks) {
            JobGraph graph = graphs.get(subtask);
            for (JobGraph.JobVertex vertex : graph.vertices()) {
                if (subtask < vertex.parallelism()) {
                    TaskEnvironment env = environment.apply(new ExecutionVertexId(vertex.name(), subtask));
                    tasks.add(createTask(graph, vertex, subtask, env.withParallelism(vertex.parallelism())));
                }
            }
        }
    }

    private StreamTask createTask(JobGraph graph, JobGraph.JobVertex vertex, int subtask, TaskEnvironment env) {
        TaskIoMetrics io = new TaskIoMetrics();
        metrics.put(env.vertexId(), io);
        List<ResultPartition> partitions = new ArrayList<>();
        Map<Integer, List<Output>> networkOutputs = new HashMap<>();
        RecordTimestamp timestamp = new RecordTimestamp();
        for (JobGraph.JobEdge edge : vertex.outputs()) {
            OutputChannel[] out = new OutputChannel[edge.target().parallelism()];
            for (int consumer = 0; consumer < out.length; consumer++) {
                out[consumer] = channels.outputChannel(edge, subtask, consumer);
            }
            ResultPartition partition = new ResultPartition(edge.id(), RecordSerializers.forEdge(edge, settings.userCode()),
                    out, settings.batchSize());
            partition.measureWaitsWith(io.backPressure());
            partitions.add(partition);
            networkOutputs.computeIfAbsent(edge.sourceNodeId(), id -> new ArrayList<>())
                    .add(new RecordWriterOutput(partition, ChannelSelectors.forPartitioning(
                            edge.partitioning(), out.length, settings.maxParallelism(), subtask), timestamp));
        }
        TaskOutputs outputs = new TaskOutputs(partitions, networkOutputs, timestamp);
        if (vertex.isSource()) {
            SourceStreamTask task = new SourceStreamTask(env, vertex.chain(), outputs, io);
            sourceTasks.add(task);
            return task;
        }
        List<InputGate.Input> inputs = new ArrayList<>();
        List<Partitioning> partitionings = new ArrayList<>();
        for (JobGraph.JobEdge edge : vertex.inputs()) {
            ChannelQueue[] in = new ChannelQueue[edge.source().parallelism()];
            for (int producer = 0; producer < in.length; producer++) {
                in[producer] = channels.inputChannel(edge, producer, subtask);
            }
            inputs.add(new InputGate.Input(edge.id(), RecordSerializers.forEdge(edge, settings.userCode()), in,
                    edge.operatorInput()));
            partitionings.add(edge.partitioning());
        }
        return new InputStreamTask(env, vertex.chain(), outputs, new InputGate(inputs), partitionings, io);
    }

    public Set<ExecutionVertexId> vertices() {
        Set<ExecutionVertexId> ids = new LinkedHashSet<>();
        for (StreamTask task : tasks) {
            ids.add(task.vertexId());
        }
        return ids;
    }

    /** Each subtask's own measurements, readable from any thread (heartbeats, a metrics endpoint). */
    public Map<ExecutionVertexId, TaskIoMetrics> taskMetrics() {
        return java.util.Collections.unmodifiableMap(metrics);
    }

    public void start() {
        for (StreamTask task : tasks) {
            Thread thread = new Thread(task, "weir-" + settings.jobName() + "-" + task.vertexId()
                    + "-attempt-" + settings.attempt() + " (" + task.displayName() + ")");
            thread.setDaemon(true);
            // Once per thread: user functions, serializers and connectors that look up classes
            // through the context class loader (ServiceLoader, Jackson, Java serialization) see the job's.
            thread.setContextClassLoader(settings.userCode());
            threads.add(thread);
            thread.start();
        }
    }

    public void triggerCheckpoint(CheckpointBarrier barrier) {
        for (StreamTask task : sourceTasks) {
            task.triggerCheckpoint(barrier);
        }
    }

    public void notifyCheckpointComplete(long checkpointId) {
        tasks.forEach(t -> t.notifyCheckpointComplete(checkpointId));
    }

    public void notifyCheckpointAborted(long checkpointId) {
        tasks.forEach(t -> t.notifyCheckpointAborted(checkpointId));
    }

    /** After the final checkpoint completed: sources end their partitions and every task exits. */
    public void finish() {
        sourceTasks.forEach(StreamTask::finish);
    }

    /** Stops all tasks; nothing more is committed by this attempt once they have exited. */
    public void cancel() {
        tasks.forEach(StreamTask::cancel);
        channels.closeAll();
    }

    /** Waits for every task thread to exit; returns false if some did not in time. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, left / 1_000_000));
            }
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
