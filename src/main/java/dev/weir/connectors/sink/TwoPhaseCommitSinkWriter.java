package dev.weir.connectors.sink;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The two-phase-commit sink protocol; subclasses only say how a transaction of their target
 * system begins, takes records, pre-commits, commits (idempotently) and aborts.
 *
 * <p>At barrier {@code n} the open transaction is pre-committed and pending under {@code n}; the
 * state is every pending handle. Completion of {@code n} commits everything pending up to
 * {@code n}, because notifications may be lost and a higher id covers the lower ones. On restore
 * the restored handles are committed again (the checkpoint that holds them completed) and
 * {@link #abortLingeringTransactions} cleans up whatever else earlier attempts left behind.
 *
 * <p>A new transaction is begun lazily on the first record after a barrier, so the open one is
 * never part of the state and barriers without records cost nothing. Subclasses must call
 * {@link #initializeState()} once they are fully constructed (their sink's createWriter does).
 */
public abstract class TwoPhaseCommitSinkWriter<IN, TXN> implements SinkWriter<IN> {

    private static final Logger LOG = LoggerFactory.getLogger(TwoPhaseCommitSinkWriter.class);

    protected final SinkContext context;
    private final NavigableMap<Long, List<TXN>> pending = new TreeMap<>();
    private final DataOutputBuffer stateBuffer = new DataOutputBuffer(256);
    private TXN current;
    private boolean initialized;
    private long lastCheckpointId = OperatorStateRestore.NO_CHECKPOINT;

    protected TwoPhaseCommitSinkWriter(SinkContext context) {
        this.context = context;
    }

    protected abstract TXN beginTransaction() throws Exception;

    protected abstract void write(TXN transaction, IN record) throws Exception;

    /** Makes the transaction durable and ready to commit; no more records go into it. */
    protected abstract void preCommit(TXN transaction) throws Exception;

    /** Makes the transaction visible. Must be idempotent: recovery commits it again. */
    protected abstract void commit(TXN transaction) throws Exception;

    protected abstract void abort(TXN transaction) throws Exception;

    protected abstract TypeSerializer<TXN> transactionSerializer();

    /**
     * What goes into checkpoint {@code checkpointId} (and is committed later) for a transaction
     * pre-committed at its barrier: by default the transaction itself. A sink whose output names
     * show the checkpoint chooses the final name here.
     */
    protected TXN committable(TXN transaction, long checkpointId) throws Exception {
        return transaction;
    }

    /**
     * The id of the last barrier this writer passed; before the first one, the id of the checkpoint
     * it was restored from ({@link OperatorStateRestore#NO_CHECKPOINT} without one). Every barrier
     * still to come has a higher id.
     */
    protected final long lastCheckpointId() {
        return lastCheckpointId;
    }

    /**
     * Aborts transactions earlier attempts left open or pre-committed that are not in the restored
     * checkpoint (their records will be replayed). Runs once at start, restored or not.
     */
    protected void abortLingeringTransactions(OperatorStateRestore restore, Set<TXN> restoredTransactions)
            throws Exception {}

    /** Recovers the restored transactions; call once, after the subclass constructor. */
    public final void initializeState() throws Exception {
        if (initialized) {
            throw new IllegalStateException("initializeState() was already called");
        }
        initialized = true;
        OperatorStateRestore restore = context.restore() == null
                ? OperatorStateRestore.empty(context.subtask(), context.parallelism())
                : context.restore();
        lastCheckpointId = restore.checkpointId();
        NavigableMap<Long, List<TXN>> restored = new TreeMap<>();
        for (byte[] state : restore.assigned()) {
            readState(state, restored);
        }
        Set<TXN> restoredTransactions = new LinkedHashSet<>();
        for (List<TXN> transactions : restored.values()) {
            for (TXN transaction : transactions) {
                commit(transaction);
                restoredTransactions.add(transaction);
            }
        }
        if (!restoredTransactions.isEmpty()) {
            LOG.info("{} subtask {}: committed {} restored transactions up to checkpoint {}",
                    context.jobName(), context.subtask(), restoredTransactions.size(), restored.lastKey());
        }
        abortLingeringTransactions(restore, restoredTransactions);
    }

    @Override
    public final void write(IN record) throws Exception {
        if (current == null) {
            checkInitialized();
            current = beginTransaction();
        }
        write(current, record);
    }

    @Override
    public final byte[] snapshotState(long checkpointId) throws Exception {
        checkInitialized();
        if (current != null) {
            preCommit(current);
            pending.computeIfAbsent(checkpointId, id -> new ArrayList<>(1)).add(committable(current, checkpointId));
            current = null;
        }
        lastCheckpointId = checkpointId;
        stateBuffer.reset();
        TypeSerializer<TXN> serializer = transactionSerializer();
        stateBuffer.writeInt(pending.size());
        for (Map.Entry<Long, List<TXN>> entry : pending.entrySet()) {
            stateBuffer.writeLong(entry.getKey());
            stateBuffer.writeInt(entry.getValue().size());
            for (TXN transaction : entry.getValue()) {
                serializer.serialize(transaction, stateBuffer);
            }
        }
        return stateBuffer.toByteArray();
    }

    @Override
    public final void notifyCheckpointComplete(long checkpointId) throws Exception {
        NavigableMap<Long, List<TXN>> due = pending.headMap(checkpointId, true);
        while (!due.isEmpty()) {
            Map.Entry<Long, List<TXN>> entry = due.firstEntry();
            for (TXN transaction : entry.getValue()) {
                commit(transaction);
            }
            // Removed only after all of the entry committed: a failure leaves it for recovery.
            due.remove(entry.getKey());
        }
    }

    /** An aborted checkpoint's transactions stay pending; the next completed checkpoint covers them. */
    @Override
    public void notifyCheckpointAborted(long checkpointId) {}

    /** Aborts only the open transaction: pending ones may already be complete and are recovery's job. */
    @Override
    public void close() throws Exception {
        if (current != null) {
            TXN open = current;
            current = null;
            abort(open);
        }
    }

    /** How many pre-committed transactions wait for a completion notification. */
    protected final int pendingCount() {
        return pending.values().stream().mapToInt(List::size).sum();
    }

    private void readState(byte[] state, NavigableMap<Long, List<TXN>> into) throws Exception {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        TypeSerializer<TXN> serializer = transactionSerializer();
        int entries = in.readInt();
        for (int e = 0; e < entries; e++) {
            long checkpointId = in.readLong();
            int count = in.readInt();
            List<TXN> transactions = into.computeIfAbsent(checkpointId, id -> new ArrayList<>(count));
            for (int t = 0; t < count; t++) {
                transactions.add(serializer.deserialize(in));
            }
        }
    }

    private void checkInitialized() {
        if (!initialized) {
            throw new IllegalStateException(getClass().getSimpleName() + ": initializeState() was not called");
        }
    }
}
