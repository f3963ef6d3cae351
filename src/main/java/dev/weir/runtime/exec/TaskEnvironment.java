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

    public int subtask() {
        return vertexId.subtask();
    }

    public KeyGroupRange keyGroupRange() {
        return KeyGroupAssignment.rangeFor(vertexId.subtask(), maxParallelism, parallelism);
    }
}
