package dev.weir.runtime.exec;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.exec.operators.SourceOperator;
import dev.weir.runtime.metrics.TaskIoMetrics;

/**
 * A task whose head is a source. Barriers are injected between two polls of the reader, when the
 * coordinator's trigger comes out of the mailbox. After the end of input the task stays up, still
 * injecting barriers, until it is told to finish after the final checkpoint.
 */
public final class SourceStreamTask extends StreamTask {

    private static final Logger LOG = LoggerFactory.getLogger(SourceStreamTask.class);

    private boolean finishing;
    /** The newest checkpoint whose barrier this task injected: a repeated trigger must not inject it again. */
    private long lastTriggeredCheckpointId = Long.MIN_VALUE;
    /** Set once the chain is open; read by metrics samplers. */
    private volatile SourceOperator source;

    public SourceStreamTask(TaskEnvironment env, List<StreamNode> chainNodes, TaskOutputs outputs, TaskIoMetrics io) {
        super(env, chainNodes, outputs, io);
        io.pendingRecordsWith(this::pendingRecords);
    }

    private long pendingRecords() {
        SourceOperator head = source;
        return head == null ? -1 : head.pendingRecords();
    }

    @Override
    protected void runLoop() throws Exception {
        SourceOperator source = (SourceOperator) chain.head();
        this.source = source;
        while (!isCanceled()) {
            mailbox.runAll();
            if (finishing) {
                break;
            }
            if (endOfDataSent) {
                idle(IDLE_NANOS);
                continue;
            }
            if (!outputsHaveRoom()) {
                // Back-pressured: wait here, where a checkpoint trigger is still handled at once.
                flushWhereRoom();
                backPressured(IDLE_NANOS);
                continue;
            }
            InputStatus status = source.pollNext();
            env.metrics().addSourceRecords(source.takeEmittedCount());
            source.emitPeriodicWatermark();
            io.watermarkAdvanced(source.currentWatermark());
            if (status == InputStatus.END_OF_INPUT) {
                sendEndOfData();
                io.watermarkAdvanced(source.currentWatermark());
                flushAll();
            } else if (status == InputStatus.NOTHING_AVAILABLE) {
                flushWhereRoom();
                idle(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1));
            } else {
                flushIfDue();
            }
        }
        if (finishing) {
            mailbox.runAll();
            sendEndOfPartition();
        }
    }

    /** What the reader emitted so far, also while a poll is under way (blocked by back-pressure, say). */
    @Override
    protected long recordsInSoFar() {
        SourceOperator head = source;
        return head == null ? 0 : head.emittedSoFar();
    }

    @Override
    protected void onTriggerCheckpoint(CheckpointBarrier barrier) throws Exception {
        if (barrier.checkpointId() <= lastTriggeredCheckpointId) {
            // The coordinator repeats a trigger whose answer it did not get in time; one barrier per checkpoint.
            LOG.debug("{}: barrier {} already injected (newest {}), trigger ignored",
                    env.vertexId(), barrier.checkpointId(), lastTriggeredCheckpointId);
            return;
        }
        lastTriggeredCheckpointId = barrier.checkpointId();
        if (!finishing) {
            LOG.debug("{}: injecting {} barrier {}", env.vertexId(), barrier.alignment(), barrier.checkpointId());
            if (barrier.isUnaligned()) {
                checkpoints.checkpointUnaligned(barrier, 0, chain, partitions, null, null);
            } else {
                performCheckpoint(barrier, 0);
            }
        }
    }

    @Override
    protected void onFinish() {
        finishing = true;
    }
}
