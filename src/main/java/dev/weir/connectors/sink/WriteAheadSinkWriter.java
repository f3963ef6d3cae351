package dev.weir.connectors.sink;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The write-ahead-log sink protocol for targets without transactions that outlive a connection.
 * Records wait in the checkpointed state; at barrier {@code n} they become batch {@code n}; once
 * {@code n} completes the batch is sent, unless the {@link CheckpointCommitter} says it was sent
 * before (a replay after restore). A batch whose send fails or returns false stays pending.
 *
 * <p>Sending and committing are two steps, so only a committer whose record is written in the same
 * transaction as the batch (or is the batch itself) makes this exactly-once; otherwise a crash
 * between the two re-sends the batch once. Subclasses call {@link #initializeState()} once built.
 */
public abstract class WriteAheadSinkWriter<IN> implements SinkWriter<IN> {

    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadSinkWriter.class);
    private static final Comparator<PendingBatch> SEND_ORDER =
            Comparator.comparingLong(PendingBatch::checkpointId).thenComparingInt(PendingBatch::subtask);

    protected final SinkContext context;
    private final TypeSerializer<IN> serializer;
    private final CheckpointCommitter committer;
    private final List<PendingBatch> pending = new ArrayList<>();
    private final DataOutputBuffer buffer = new DataOutputBuffer(4096);
    private final DataOutputBuffer stateBuffer = new DataOutputBuffer(4096);
    private int buffered;
    private boolean initialized;

    protected WriteAheadSinkWriter(SinkContext context, TypeSerializer<IN> serializer, CheckpointCommitter committer) {
        this.context = context;
        this.serializer = serializer;
        this.committer = committer;
    }

    /**
     * Writes one batch to the target. {@code subtask} and {@code checkpointId} identify the batch
     * as the committer knows it. Returns false when the batch could not be written now.
     */
    protected abstract boolean sendValues(List<IN> values, int subtask, long checkpointId) throws Exception;

    /** Sends the batches of the restored checkpoint (it completed); call once, after construction. */
    public final void initializeState() throws Exception {
        if (initialized) {
            throw new IllegalStateException("initializeState() was already called");
        }
        initialized = true;
        OperatorStateRestore restore = context.restore();
        if (restore == null) {
            return;
        }
        for (byte[] state : restore.assigned()) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
            int batches = in.readInt();
            for (int b = 0; b < batches; b++) {
                pending.add(PendingBatch.readFrom(in));
            }
        }
        if (!pending.isEmpty()) {
            LOG.info("{} subtask {}: restored {} write-ahead batches", context.jobName(), context.subtask(),
                    pending.size());
            sendPending(Long.MAX_VALUE);
        }
    }

    @Override
    public final void write(IN record) throws Exception {
        checkInitialized();
        serializer.serialize(record, buffer);
        buffered++;
    }

    @Override
    public final byte[] snapshotState(long checkpointId) throws Exception {
        checkInitialized();
        if (buffered > 0) {
            pending.add(new PendingBatch(context.subtask(), checkpointId, buffered, buffer.toByteArray()));
            buffer.reset();
            buffered = 0;
        }
        stateBuffer.reset();
        stateBuffer.writeInt(pending.size());
        for (PendingBatch batch : pending) {
            batch.writeTo(stateBuffer);
        }
        return stateBuffer.toByteArray();
    }

    @Override
    public final void notifyCheckpointComplete(long checkpointId) throws Exception {
        sendPending(checkpointId);
    }

    /** Records after the last barrier are dropped: the source replays them after a restore. */
    @Override
    public void close() throws Exception {}

    /** Sends, in checkpoint order, every batch up to {@code checkpointId}; stops at the first that fails. */
    private void sendPending(long checkpointId) throws Exception {
        pending.sort(SEND_ORDER);
        Iterator<PendingBatch> batches = pending.iterator();
        while (batches.hasNext()) {
            PendingBatch batch = batches.next();
            if (batch.checkpointId() > checkpointId) {
                return;
            }
            if (!committer.isCommitted(batch.subtask(), batch.checkpointId())) {
                if (!sendValues(batch.values(serializer), batch.subtask(), batch.checkpointId())) {
                    LOG.warn("{} subtask {}: batch {} of subtask {} was not written; retrying at the next checkpoint",
                            context.jobName(), context.subtask(), batch.checkpointId(), batch.subtask());
                    return;
                }
                committer.commit(batch.subtask(), batch.checkpointId());
            }
            batches.remove();
        }
    }

    private void checkInitialized() {
        if (!initialized) {
            throw new IllegalStateException(getClass().getSimpleName() + ": initializeState() was not called");
        }
    }
}
