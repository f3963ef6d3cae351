package dev.weir.runtime.exec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.checkpoint.SubtaskCheckpointMetrics;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.network.ResultPartition;
import dev.weir.runtime.state.KeyGroupRange;

/**
 * Takes one subtask's part of a checkpoint: forwards the barrier downstream first, captures the
 * chain's state synchronously on the task thread (a short pause), then writes it to checkpoint
 * storage and acknowledges on another thread while the task goes on processing.
 */
final class SubtaskCheckpointCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(SubtaskCheckpointCoordinator.class);

    private final TaskEnvironment env;
    private final Executor uploads;

    SubtaskCheckpointCoordinator(TaskEnvironment env) {
        this.env = env;
        this.uploads = env.snapshotExecutor();
    }

    void checkpoint(CheckpointBarrier barrier, long alignmentNanos, OperatorChain chain, List<ResultPartition> partitions)
            throws Exception {
        long startDelayMillis = Math.max(0, System.currentTimeMillis() - barrier.timestamp() - alignmentNanos / 1_000_000);
        // The barrier goes first, so downstream can align while this task captures its state.
        for (ResultPartition partition : partitions) {
            partition.broadcastEvent(barrier);
        }
        long syncStart = System.nanoTime();
        Map<String, OperatorChain.OperatorSnapshot> snapshots = chain.snapshot(barrier.checkpointId(), barrier.type());
        long syncNanos = System.nanoTime() - syncStart;
        LOG.debug("{}: snapshot of checkpoint {} taken ({} ms sync, {} ms alignment)", env.vertexId(),
                barrier.checkpointId(), syncNanos / 1_000_000, alignmentNanos / 1_000_000);
        try {
            uploads.execute(() -> upload(barrier, snapshots, startDelayMillis, alignmentNanos, syncNanos));
        } catch (RuntimeException e) {
            release(snapshots);
            throw e;
        }
    }

    private void upload(CheckpointBarrier barrier, Map<String, OperatorChain.OperatorSnapshot> snapshots,
                        long startDelayMillis, long alignmentNanos, long syncNanos) {
        long id = barrier.checkpointId();
        long asyncStart = System.nanoTime();
        try {
            KeyGroupRange range = env.keyGroupRange();
            String key = env.storage().stateKey(id, barrier.type(), env.vertexId(), range.start(), range.end());
            CheckpointStateOutput out = new CheckpointStateOutput(env.storage(), id, key);
            Map<String, OperatorSubtaskState> states = new LinkedHashMap<>();
            for (Map.Entry<String, OperatorChain.OperatorSnapshot> e : snapshots.entrySet()) {
                StateHandle operatorState = out.append(e.getValue().operatorState());
                KeyedStateHandle keyed = e.getValue().keyedState().write(out);
                states.put(e.getKey(),
                        new OperatorSubtaskState(env.subtask(), operatorState, keyed.keyGroups(), keyed.incremental()));
            }
            out.finish();
            SubtaskCheckpointMetrics metrics = new SubtaskCheckpointMetrics(startDelayMillis, alignmentNanos, syncNanos,
                    System.nanoTime() - asyncStart);
            LOG.debug("{}: state of checkpoint {} written ({} ms); acknowledging", env.vertexId(), id,
                    metrics.asyncNanos() / 1_000_000);
            env.listener().acknowledgeCheckpoint(new TaskAcknowledgement(id, env.vertexId(), states, metrics));
        } catch (Exception e) {
            LOG.warn("{}: could not write state of checkpoint {}: {}", env.vertexId(), id, e.toString());
            env.listener().declineCheckpoint(id, env.vertexId(), "state upload failed: " + e);
        } finally {
            release(snapshots);
        }
    }

    private static void release(Map<String, OperatorChain.OperatorSnapshot> snapshots) {
        for (OperatorChain.OperatorSnapshot snapshot : snapshots.values()) {
            snapshot.keyedState().release();
        }
    }
}
