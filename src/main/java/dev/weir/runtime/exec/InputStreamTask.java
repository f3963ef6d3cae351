package dev.weir.runtime.exec;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.BarrierHandlerActions;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointBarrierHandler;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.exec.operators.PrefetchingInput;
import dev.weir.runtime.exec.operators.RecordTimestamp;
import dev.weir.runtime.metrics.TaskIoMetrics;
import dev.weir.runtime.network.EndOfData;
import dev.weir.runtime.network.EndOfPartition;
import dev.weir.runtime.network.InputGate;
import dev.weir.runtime.network.OvertakingBarrier;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.Watermark;
import dev.weir.runtime.network.WatermarkStatus;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * A task reading its input edges through one {@link InputGate}: records go to the chain's head in
 * batches, each with its timestamp, into the head's input that the batch's edge feeds (a union's
 * edges all feed one input; a two-input operator's edges feed input 0 or 1); watermarks and
 * watermark status go through the {@link StatusWatermarkValve} (the minimum over all channels of
 * all edges); barriers go to the barrier handler, which aligns (exactly-once) or tracks
 * (at-least-once) them over all channels and triggers the subtask's snapshot; the input ends when
 * every channel has. While its outputs have no room it takes no records but still takes overtaking
 * barriers; during an unaligned checkpoint it records the batches that belong to the checkpoint's
 * input channel state (records with their timestamps) as it reads them.
 */
public final class InputStreamTask extends StreamTask implements BarrierHandlerActions {

    private static final Logger LOG = LoggerFactory.getLogger(InputStreamTask.class);
    /**
     * Records whose state is prefetched together ({@link #processPrefetched}): enough misses in
     * flight at once to hide most of the memory latency, few enough that their loads fit in the
     * CPU's reorder window and the prefetched lines stay in L1 until used.
     */
    private static final int PREFETCH_GROUP = 8;

    private final InputGate gate;
    private final List<Partitioning> partitionings;
    private final CheckpointBarrierHandler barrierHandler;
    private final BitSet dataEnded = new BitSet();
    /** The input channel state being recorded for an unaligned checkpoint, or null. */
    private ChannelStateRecorder inFlight;
    /** While the barrier handler takes an overtaking barrier: the batches it overtook. */
    private List<RecordBatch> overtaken = List.of();
    private final RecordTimestamp timestamp;
    private final StatusWatermarkValve watermarks;
    /** Per channel, its edge's record serializer: what an unaligned checkpoint records its batches with. */
    private final TypeSerializer<Object>[] channelSerializers;

    /** @param partitionings per gate input (edge), how its records were partitioned */
    public InputStreamTask(TaskEnvironment env, List<StreamNode> chainNodes, TaskOutputs outputs, InputGate gate,
                           List<Partitioning> partitionings, TaskIoMetrics io) {
        super(env, chainNodes, outputs, io);
        this.gate = gate;
        this.partitionings = List.copyOf(partitionings);
        this.timestamp = outputs.timestamp();
        this.watermarks = new StatusWatermarkValve(gate.numberOfChannels(), new StatusWatermarkValve.Forward() {
            @Override
            public void watermark(long watermark) throws Exception {
                io.watermarkAdvanced(watermark);
                chain.head().processWatermark(watermark);
            }

            @Override
            public void status(WatermarkStatus status) {
                chain.head().emitWatermarkStatus(status);
            }
        });
        this.channelSerializers = channelSerializers(gate);
        this.barrierHandler = CheckpointBarrierHandler.create(env.checkpointingMode(), this);
        gate.setAvailabilityListener(mailbox::wakeUp);
        gate.setTimeoutableBarrierListener(
                (barrier, channel) -> mailbox.put(() -> barrierHandler.processBarrierAnnouncement(barrier)));
    }

    @SuppressWarnings("unchecked")
    private static TypeSerializer<Object>[] channelSerializers(InputGate gate) {
        TypeSerializer<Object>[] serializers = new TypeSerializer[gate.numberOfChannels()];
        for (int c = 0; c < serializers.length; c++) {
            serializers[c] = gate.input(gate.inputOf(c)).serializer();
        }
        return serializers;
    }

    /** Per gate input (edge): the input of the chain's head its records go to. */
    @SuppressWarnings("unchecked")
    private Collector<Object>[] headInputs() {
        Collector<Object>[] targets = new Collector[gate.numberOfInputs()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = chain.head().input(gate.input(i).operatorInput());
        }
        return targets;
    }

    @Override
    protected void runLoop() throws Exception {
        Collector<Object>[] targets = headInputs();
        while (!isCanceled()) {
            mailbox.runAll();
            if (!outputsHaveRoom()) {
                OvertakingBarrier overtaking = gate.pollOvertakingBarrier();
                if (overtaking != null) {
                    processOvertakingBarrier(overtaking, gate.lastChannel());
                } else {
                    flushWhereRoom();
                    backPressured(IDLE_NANOS);
                }
                continue;
            }
            Object element = gate.pollNext();
            if (element == null) {
                flushWhereRoom();
                idle(IDLE_NANOS);
                continue;
            }
            int channel = gate.lastChannel();
            if (element instanceof RecordBatch batch) {
                recordsIn += batch.size();
                if (inFlight != null) {
                    inFlight.batchRead(channel, batch);
                    completeInFlightIfRecorded();
                }
                processBatch(targets[gate.inputOf(channel)], batch, timestamp);
                gate.recycle(channel, batch);
                flushIfDue();
            } else if (element instanceof OvertakingBarrier overtaking) {
                processOvertakingBarrier(overtaking, channel);
            } else if (element instanceof Watermark watermark) {
                watermarks.inputWatermark(channel, watermark.timestamp());
            } else if (element instanceof WatermarkStatus status) {
                watermarks.inputStatus(channel, status);
            } else if (element instanceof CheckpointBarrier barrier) {
                LOG.debug("{}: barrier {} on channel {}", env.vertexId(), barrier.checkpointId(), channel);
                barrierHandler.processBarrier(barrier, channel);
            } else if (element == EndOfData.INSTANCE) {
                dataEnded.set(channel);
                if (dataEnded.cardinality() == gate.numberOfChannels()) {
                    watermarks.endOfInput();
                    sendEndOfData();
                    flushAll();
                }
            } else if (element == EndOfPartition.INSTANCE) {
                gate.markFinished(channel);
                if (inFlight != null) {
                    inFlight.channelFinished(channel);
                    completeInFlightIfRecorded();
                }
                barrierHandler.processEndOfPartition(channel);
                if (gate.allFinished()) {
                    // Notifications sent before the end reached us must still be handled.
                    mailbox.runAll();
                    sendEndOfPartition();
                    return;
                }
            } else {
                throw new IllegalStateException("unexpected element on channel " + channel + ": " + element);
            }
        }
    }

    /**
     * The per-record work, in a method of its own so that it has compiled code of its own: the
     * first barrier, end marker or mail to reach {@link #runLoop} takes a branch its compiled code
     * never saw, and the JIT sends that loop back to the interpreter until it recompiles it. The
     * loop then runs interpreted once per batch while the records still go through compiled code.
     */
    private static void processBatch(Collector<Object> head, RecordBatch batch, RecordTimestamp timestamp) {
        if (head instanceof PrefetchingInput prefetching && prefetching.prefetches()) {
            processPrefetched(head, prefetching, batch, timestamp);
        } else if (batch.hasTimestamps()) {
            for (int i = 0, n = batch.size(); i < n; i++) {
                timestamp.set(batch.timestamp(i));
                head.collect(batch.get(i));
            }
        } else {
            timestamp.set(RecordBatch.NO_TIMESTAMP);
            for (int i = 0, n = batch.size(); i < n; i++) {
                head.collect(batch.get(i));
            }
        }
    }

    /**
     * Records in groups: the state of the next group's keys is prefetched before this group is
     * processed, so the next group's cache misses overlap each other and this group's work instead
     * of stalling one record each (keyed state of millions of keys misses the cache nearly every
     * time: it was half a worker's time on keyed-count with 10 M keys).
     */
    private static void processPrefetched(Collector<Object> head, PrefetchingInput prefetching, RecordBatch batch,
                                          RecordTimestamp timestamp) {
        boolean timestamps = batch.hasTimestamps();
        if (!timestamps) {
            timestamp.set(RecordBatch.NO_TIMESTAMP);
        }
        int n = batch.size();
        prefetching.prefetch(batch, 0, Math.min(n, PREFETCH_GROUP));
        for (int start = 0; start < n; start += PREFETCH_GROUP) {
            int end = Math.min(n, start + PREFETCH_GROUP);
            if (end < n) {
                prefetching.prefetch(batch, end, Math.min(n, end + PREFETCH_GROUP));
            }
            for (int i = start; i < end; i++) {
                if (timestamps) {
                    timestamp.set(batch.timestamp(i));
                }
                head.collect(batch.get(i));
            }
        }
    }

    private void processOvertakingBarrier(OvertakingBarrier overtaking, int channel) throws Exception {
        LOG.debug("{}: unaligned barrier {} on channel {}, ahead of {} batches", env.vertexId(),
                overtaking.barrier().checkpointId(), channel, overtaking.overtaken().size());
        overtaken = overtaking.overtaken();
        try {
            barrierHandler.processBarrier(overtaking.barrier(), channel, overtaken.size());
        } finally {
            overtaken = List.of();
        }
    }

    @Override
    protected void replayChannelState() throws Exception {
        Collector<Object>[] targets = headInputs();
        Map<String, ChannelStateReplay.EdgeInput> edges = new HashMap<>();
        for (int i = 0; i < gate.numberOfInputs(); i++) {
            InputGate.Input input = gate.input(i);
            edges.put(input.edgeId(), new ChannelStateReplay.EdgeInput(input.serializer(), partitionings.get(i), targets[i]));
        }
        long replayed = ChannelStateReplay.replay(env.restore(), edges, env.maxParallelism(), env.keyGroupRange(),
                this::read, timestamp);
        if (replayed > 0) {
            LOG.info("{}: replayed {} in-flight records of checkpoint {} before new input", env.vertexId(), replayed,
                    env.restore().checkpointId());
        }
    }

    @Override
    protected void onCheckpointAborted(long checkpointId) throws Exception {
        barrierHandler.processAbort(checkpointId);
        dropInFlight(checkpointId);
        super.onCheckpointAborted(checkpointId);
    }

    private void completeInFlightIfRecorded() {
        if (inFlight.isComplete()) {
            ChannelStateRecorder recorded = inFlight;
            inFlight = null;
            checkpoints.inputChannelStateComplete(gate, recorded);
        }
    }

    private void dropInFlight(long checkpointId) {
        if (inFlight != null && inFlight.checkpointId() <= checkpointId) {
            inFlight = null;
        }
        checkpoints.abortUnaligned(checkpointId);
    }

    // BarrierHandlerActions

    @Override
    public int numberOfChannels() {
        return gate.numberOfChannels();
    }

    @Override
    public boolean isChannelFinished(int channel) {
        return gate.isFinished(channel);
    }

    @Override
    public void blockChannel(int channel) {
        gate.block(channel);
    }

    @Override
    public void unblockAllChannels() {
        gate.unblockAll();
    }

    @Override
    public void triggerCheckpoint(CheckpointBarrier barrier, long alignmentNanos) throws Exception {
        performCheckpoint(barrier, alignmentNanos);
    }

    @Override
    public void triggerUnalignedCheckpoint(CheckpointBarrier barrier, long alignmentNanos, BitSet pendingChannels)
            throws Exception {
        if (inFlight != null) {
            dropInFlight(inFlight.checkpointId());
        }
        ChannelStateRecorder recorder = pendingChannels.isEmpty() ? null
                : new ChannelStateRecorder(barrier.checkpointId(), channelSerializers, pendingChannels);
        inFlight = recorder;
        checkpoints.checkpointUnaligned(barrier, alignmentNanos, chain, partitions, gate, recorder);
    }

    @Override
    public void barrierOvertook(long checkpointId, int channel, int overtakenBatches) {
        if (inFlight != null && inFlight.checkpointId() == checkpointId) {
            if (overtaken.size() != overtakenBatches) {
                throw new IllegalStateException("barrier " + checkpointId + " on channel " + channel + " overtook "
                        + overtaken.size() + " batches, not " + overtakenBatches);
            }
            inFlight.barrierArrived(channel, overtaken);
            completeInFlightIfRecorded();
        }
    }

    @Override
    public void promoteBarrier(int channel, long checkpointId) {
        gate.promoteBarrier(channel, checkpointId);
    }

    @Override
    public void scheduleAlignmentTimeout(CheckpointBarrier barrier) {
        env.timeService().scheduleAt(barrier.alignmentDeadline(),
                () -> mailbox.put(() -> barrierHandler.processAlignmentTimeout(barrier)));
    }

    @Override
    public void abortCheckpoint(long checkpointId, String reason) {
        dropInFlight(checkpointId);
        env.listener().declineCheckpoint(checkpointId, env.vertexId(), reason);
    }
}
