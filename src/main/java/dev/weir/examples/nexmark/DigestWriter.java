package dev.weir.examples.nexmark;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * One subtask of the {@link DigestSink}. Its state is its running {@code (rows, sum)}; partials add
 * up, so on a restore at any parallelism a subtask starts from the sum of the states assigned to it.
 * A snapshot is remembered until its checkpoint completes and is then committed: the partial covers
 * exactly the rows before that checkpoint's barrier.
 */
final class DigestWriter<T> implements SinkWriter<T> {

    private static final Logger LOG = LoggerFactory.getLogger(DigestWriter.class);
    private static final int VERSION = 1;

    private final SinkContext context;
    private final DigestFiles files;
    private final RowFormat<T> format;
    private final Fnv1a64Row row = new Fnv1a64Row();
    private final TreeMap<Long, DigestPartial> pending = new TreeMap<>();
    private long rows;
    private long sum;
    private boolean ended;
    /** Set while a writer that was not restored has committed nothing: its first commit starts its run's files. */
    private boolean firstOfNewRun;

    DigestWriter(SinkContext context, DigestFiles files, RowFormat<T> format) throws Exception {
        this.context = context;
        this.files = files;
        this.format = format;
        OperatorStateRestore restore = context.restore();
        firstOfNewRun = restore == null || !restore.isRestored();
        if (!firstOfNewRun) {
            for (byte[] state : restore.assigned()) {
                ByteBuffer in = ByteBuffer.wrap(state);
                int version = in.getInt();
                if (version != VERSION) {
                    throw new IllegalStateException("unknown digest sink state version " + version);
                }
                rows += in.getLong();
                sum += in.getLong();
            }
            // The restored checkpoint is complete: commit it again (it may never have been committed).
            commit(new DigestPartial(restore.checkpointId(), rows, sum, false));
            LOG.info("digest sink subtask {} restored {} rows from checkpoint {}", context.subtask(), rows,
                    restore.checkpointId());
        }
    }

    @Override
    public void write(T record) {
        format.write(record, row.reset());
        sum += row.hash();
        rows++;
    }

    @Override
    public void endInput() {
        ended = true;
    }

    @Override
    public byte[] snapshotState(long checkpointId) {
        pending.put(checkpointId, new DigestPartial(checkpointId, rows, sum, ended));
        return ByteBuffer.allocate(20).putInt(VERSION).putLong(rows).putLong(sum).array();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        // A higher id covers all lower ones: commit the latest snapshot up to it, forget the rest.
        Map.Entry<Long, DigestPartial> latest = pending.floorEntry(checkpointId);
        if (latest == null) {
            return;
        }
        commit(latest.getValue());
        pending.headMap(checkpointId, true).clear();
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        pending.remove(checkpointId);
    }

    private void commit(DigestPartial partial) throws Exception {
        if (firstOfNewRun) {
            // Not at start: a run that fails before its first checkpoint leaves the earlier result readable.
            files.clearEarlierRun(context.subtask(), context.parallelism());
            firstOfNewRun = false;
        }
        files.commit(context.subtask(), context.parallelism(), partial);
    }
}
