package dev.weir.runtime.exec;

import java.util.BitSet;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.BarrierHandlerActions;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointBarrierHandler;
import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.exec.operators.RecordTimestamp;
import dev.weir.runtime.exec.operators.StreamOperator;
import dev.weir.runtime.network.EndOfData;
import dev.weir.runtime.network.EndOfPartition;
import dev.weir.runtime.network.InputGate;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.Watermark;
import dev.weir.runtime.network.WatermarkStatus;

/**
 * A task reading one input edge through an {@link InputGate}: records go to the chain's head in
 * batches, each with its timestamp; watermarks and watermark status go through the
 * {@link StatusWatermarkValve} (the minimum over the channels); barriers go to the barrier handler, which aligns (exactly-once) or tracks
 * (at-least-once) them and triggers the subtask's snapshot.
 */
public final class OneInputStreamTask extends StreamTask implements BarrierHandlerActions {

    private static final Logger LOG = LoggerFactory.getLogger(OneInputStreamTask.class);

    private final InputGate gate;
    private final CheckpointBarrierHandler barrierHandler;
    private final BitSet dataEnded = new BitSet();
    private final RecordTimestamp timestamp;
    private final StatusWatermarkValve watermarks;

    public OneInputStreamTask(TaskEnvironment env, List<StreamNode> chainNodes, TaskOutputs outputs, InputGate gate) {
        super(env, chainNodes, outputs);
        this.gate = gate;
        this.timestamp = outputs.timestamp();
        this.watermarks = new StatusWatermarkValve(gate.numberOfChannels(), new StatusWatermarkValve.Forward() {
            @Override
            public void watermark(long watermark) throws Exception {
                chain.head().processWatermark(watermark);
            }

            @Override
            public void status(WatermarkStatus status) {
                chain.head().emitWatermarkStatus(status);
            }
        });
        this.barrierHandler = CheckpointBarrierHandler.create(env.checkpointingMode(), this);
        gate.setAvailabilityListener(mailbox::wakeUp);
    }

    @Override
    protected void runLoop() throws Exception {
        StreamOperator head = chain.head();
        while (!isCanceled()) {
            mailbox.runAll();
            Object element = gate.pollNext();
            if (element == null) {
                flushAll();
                mailbox.idle(IDLE_NANOS);
                continue;
            }
            int channel = gate.lastChannel();
            if (element instanceof RecordBatch batch) {
                processBatch(head, batch, timestamp);
                gate.recycle(channel, batch);
                flushIfDue();
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
    private static void processBatch(StreamOperator head, RecordBatch batch, RecordTimestamp timestamp) {
        if (batch.hasTimestamps()) {
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

    @Override
    protected void onCheckpointAborted(long checkpointId) throws Exception {
        barrierHandler.processAbort(checkpointId);
        super.onCheckpointAborted(checkpointId);
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
    public void abortCheckpoint(long checkpointId, String reason) {
        env.listener().declineCheckpoint(checkpointId, env.vertexId(), reason);
    }
}
