package dev.weir.runtime.exec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.ChannelStateHandle;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.checkpoint.SubtaskCheckpointMetrics;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.network.InputGate;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.ResultPartition;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * Takes one subtask's part of a checkpoint: forwards the barrier downstream first, captures the
 * chain's state synchronously on the task thread (a short pause), then writes it to checkpoint
 * storage and acknowledges on another thread while the task goes on processing.
 *
 * <p>Unaligned: the barrier overtakes the records not yet sent (they become output channel state),
 * and the acknowledgement waits until the task has recorded its input channel state
 * ({@link ChannelStateRecorder}); both are written to one object of their own.
 */
final class SubtaskCheckpointCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(SubtaskCheckpointCoordinator.class);

    private final TaskEnvironment env;
    private final Executor uploads;
    /** The last state file's length, written by upload threads one checkpoint at a time: sizes the next one's buffer. */
    private volatile long lastStateFileLength;
    /** The unaligned checkpoint whose input channel state is still being recorded, or null. */
    private UnalignedSnapshot recording;

    /** An unaligned snapshot taken on the task thread, waiting for its input channel state. */
    private record UnalignedSnapshot(CheckpointBarrier barrier, Map<String, OperatorChain.OperatorSnapshot> operators,
                                     List<ChannelStateHandle> outputHandles, byte[] outputBytes,
                                     long startDelayMillis, long alignmentNanos, long syncNanos) {}

    SubtaskCheckpointCoordinator(TaskEnvironment env) {
        this.env = env;
        this.uploads = env.snapshotExecutor();
    }

    void checkpoint(CheckpointBarrier barrier, long alignmentNanos, OperatorChain chain, List<ResultPartition> partitions)
            throws Exception {
        long startDelayMillis = startDelayMillis(barrier, alignmentNanos);
        // What the chain holds back belongs before the barrier.
        chain.flushBuffered();
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
            uploads.execute(() -> upload(barrier, snapshots, List.of(), null, startDelayMillis, alignmentNanos, syncNanos));
        } catch (RuntimeException e) {
            release(snapshots);
            throw e;
        }
    }

    /**
     * An unaligned snapshot: the barrier overtakes the records not yet sent downstream, the chain's
     * state is captured, and the acknowledgement follows once {@code input} (null for a source) is
     * complete ({@link #inputChannelStateComplete}).
     */
    void checkpointUnaligned(CheckpointBarrier barrier, long alignmentNanos, OperatorChain chain,
                             List<ResultPartition> partitions, InputGate gate, ChannelStateRecorder input)
            throws Exception {
        long startDelayMillis = startDelayMillis(barrier, alignmentNanos);
        // What the chain holds back belongs before the barrier: into the batches it overtakes.
        chain.flushBuffered();
        long syncStart = System.nanoTime();
        DataOutputBuffer outputBytes = new DataOutputBuffer(1024);
        List<ChannelStateHandle> outputHandles = new ArrayList<>();
        String key = channelStateKey(barrier);
        for (ResultPartition partition : partitions) {
            RecordBatch[] overtaken = partition.overtake(barrier);
            for (int consumer = 0; consumer < overtaken.length; consumer++) {
                RecordBatch batch = overtaken[consumer];
                if (batch != null && !batch.isEmpty()) {
                    int offset = outputBytes.length();
                    ChannelStateRecorder.writeRecords(partition.serializer(), batch, outputBytes, barrier.checkpointId());
                    outputHandles.add(new ChannelStateHandle(partition.edgeId(), env.subtask(), consumer,
                            ChannelStateHandle.Kind.OUTPUT, batch.size(),
                            new StateHandle(key, offset, outputBytes.length() - offset)));
                }
            }
        }
        Map<String, OperatorChain.OperatorSnapshot> snapshots = chain.snapshot(barrier.checkpointId(), barrier.type());
        long syncNanos = System.nanoTime() - syncStart;
        LOG.debug("{}: unaligned snapshot of checkpoint {} taken ({} ms sync, {} ms alignment, {} records not yet sent)",
                env.vertexId(), barrier.checkpointId(), syncNanos / 1_000_000, alignmentNanos / 1_000_000,
                outputHandles.stream().mapToInt(ChannelStateHandle::records).sum());
        if (recording != null) {
            release(recording.operators()); // superseded before its input channel state was whole
        }
        recording = new UnalignedSnapshot(barrier, snapshots, outputHandles, outputBytes.toByteArray(), startDelayMillis,
                alignmentNanos, syncNanos);
        if (input == null) {
            inputChannelStateComplete(gate, null);
        }
    }

    /** On the task thread: the input channel state of the unaligned checkpoint being recorded is whole. */
    void inputChannelStateComplete(InputGate gate, ChannelStateRecorder input) {
        UnalignedSnapshot snapshot = recording;
        recording = null;
        if (snapshot == null) {
            return;
        }
        if (input != null && input.checkpointId() != snapshot.barrier().checkpointId()) {
            release(snapshot.operators());
            return;
        }
        List<ChannelStateHandle> handles = new ArrayList<>(snapshot.outputHandles());
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(snapshot.outputBytes());
        String key = channelStateKey(snapshot.barrier());
        if (input != null) {
            for (ChannelStateRecorder.Segment segment : input.segments()) {
                handles.add(new ChannelStateHandle(gate.input(gate.inputOf(segment.channel())).edgeId(),
                        gate.producerOf(segment.channel()), env.subtask(),
                        ChannelStateHandle.Kind.INPUT, segment.records(),
                        new StateHandle(key, file.size(), segment.bytes().length)));
                file.writeBytes(segment.bytes());
            }
        }
        LOG.debug("{}: in-flight data of checkpoint {} recorded: {} records, {} bytes", env.vertexId(),
                snapshot.barrier().checkpointId(), handles.stream().mapToInt(ChannelStateHandle::records).sum(),
                file.size());
        byte[] channelState = file.toByteArray();
        try {
            uploads.execute(() -> upload(snapshot.barrier(), snapshot.operators(), handles, channelState,
                    snapshot.startDelayMillis(), snapshot.alignmentNanos(), snapshot.syncNanos()));
        } catch (RuntimeException e) {
            release(snapshot.operators());
            throw e;
        }
    }

    /** The unaligned checkpoint being recorded was aborted or superseded: it is never acknowledged. */
    void abortUnaligned(long checkpointId) {
        if (recording != null && recording.barrier().checkpointId() <= checkpointId) {
            release(recording.operators());
            recording = null;
        }
    }

    private String channelStateKey(CheckpointBarrier barrier) {
        return env.storage().channelStateKey(barrier.checkpointId(), barrier.type(), env.vertexId());
    }

    private static long startDelayMillis(CheckpointBarrier barrier, long alignmentNanos) {
        return Math.max(0, System.currentTimeMillis() - barrier.timestamp() - alignmentNanos / 1_000_000);
    }

    private void upload(CheckpointBarrier barrier, Map<String, OperatorChain.OperatorSnapshot> snapshots,
                        List<ChannelStateHandle> channelState, byte[] channelStateBytes,
                        long startDelayMillis, long alignmentNanos, long syncNanos) {
        long id = barrier.checkpointId();
        long asyncStart = System.nanoTime();
        try {
            KeyGroupRange range = env.keyGroupRange();
            String key = env.storage().stateKey(id, barrier.type(), env.vertexId(), range.start(), range.end());
            Map<String, OperatorSubtaskState> states = new LinkedHashMap<>();
            try (CheckpointStateOutput out = new CheckpointStateOutput(env.storage(), id, key, lastStateFileLength)) {
                for (Map.Entry<String, OperatorChain.OperatorSnapshot> e : snapshots.entrySet()) {
                    StateHandle operatorState = out.append(e.getValue().operatorState());
                    KeyedStateHandle keyed = e.getValue().keyedState().write(out);
                    states.put(e.getKey(), new OperatorSubtaskState(env.subtask(), operatorState, keyed.keyGroups(),
                            keyed.incremental(), keyed.changelog()));
                }
                out.finish();
                lastStateFileLength = out.length();
            }
            if (channelStateBytes != null && channelStateBytes.length > 0) {
                env.storage().writeState(channelStateKey(barrier), channelStateBytes);
            }
            SubtaskCheckpointMetrics metrics = new SubtaskCheckpointMetrics(startDelayMillis, alignmentNanos, syncNanos,
                    System.nanoTime() - asyncStart);
            LOG.debug("{}: state of checkpoint {} written ({} ms); acknowledging", env.vertexId(), id,
                    metrics.asyncNanos() / 1_000_000);
            env.listener().acknowledgeCheckpoint(new TaskAcknowledgement(id, env.vertexId(), states, metrics,
                    channelState));
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
