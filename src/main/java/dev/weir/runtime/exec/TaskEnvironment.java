package dev.weir.runtime.exec;

import java.util.concurrent.Executor;

import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.storage.CheckpointStorage;

/**
 * Everything a subtask needs from the process running it.
 *
 * @param parallelism the task's number of subtasks (its own: an operator may run narrower than the job)
 * @param restore the state to start from, or null for a fresh start
 * @param stateBackend where keyed operators keep their state
 */
public record TaskEnvironment(
        String jobName,
        ExecutionVertexId vertexId,
        int parallelism,
        int maxParallelism,
        long attempt,
        CheckpointingMode checkpointingMode,
        CheckpointStorage storage,
        Executor snapshotExecutor,
        ProcessingTimeService timeService,
        TaskListener listener,
        TaskRestore restore,
        int batchSize,
        JobMetrics metrics,
        StateBackendSettings stateBackend) {

    /** With keyed state on the heap. */
    public TaskEnvironment(String jobName, ExecutionVertexId vertexId, int parallelism, int maxParallelism, long attempt,
                           CheckpointingMode checkpointingMode, CheckpointStorage storage, Executor snapshotExecutor,
                           ProcessingTimeService timeService, TaskListener listener, TaskRestore restore, int batchSize,
                           JobMetrics metrics) {
        this(jobName, vertexId, parallelism, maxParallelism, attempt, checkpointingMode, storage, snapshotExecutor,
                timeService, listener, restore, batchSize, metrics, StateBackendSettings.HEAP);
    }

    /** This environment for a task of {@code parallelism} subtasks (its own, which may be below the job's). */
    public TaskEnvironment withParallelism(int parallelism) {
        if (parallelism == this.parallelism) {
            return this;
        }
        return new TaskEnvironment(jobName, vertexId, parallelism, maxParallelism, attempt, checkpointingMode, storage,
                snapshotExecutor, timeService, listener, restore, batchSize, metrics, stateBackend);
    }

    public int subtask() {
        return vertexId.subtask();
    }

    public KeyGroupRange keyGroupRange() {
        return KeyGroupAssignment.rangeFor(vertexId.subtask(), maxParallelism, parallelism);
    }
}
