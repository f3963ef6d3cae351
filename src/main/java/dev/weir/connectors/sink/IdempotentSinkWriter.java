package dev.weir.connectors.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * A sink whose writes are upserts by a deterministic key, so a replay after restore rewrites the
 * same rows with the same values and leaves the result as if written once. Records are buffered
 * (the last one per key wins) and upserted when the buffer is full and at every barrier, so
 * everything before barrier {@code n} is written before checkpoint {@code n} can complete. The
 * state is empty: nothing needs to survive a restore that the replay does not bring back.
 */
public abstract class IdempotentSinkWriter<IN, K> implements SinkWriter<IN> {

    private static final byte[] NO_STATE = new byte[0];

    protected final SinkContext context;
    private final int maxBatchSize;
    private final Map<K, IN> batch = new LinkedHashMap<>();

    protected IdempotentSinkWriter(SinkContext context, int maxBatchSize) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be positive, got " + maxBatchSize);
        }
        this.context = context;
        this.maxBatchSize = maxBatchSize;
    }

    protected abstract K key(IN record);

    /** Writes each record over whatever the target holds under its key. At most one record per key. */
    protected abstract void upsert(List<IN> batch) throws Exception;

    @Override
    public final void write(IN record) throws Exception {
        K key = key(record);
        // Re-inserting moves the key to the end, so the batch keeps the order of last writes.
        batch.remove(key);
        batch.put(key, record);
        if (batch.size() >= maxBatchSize) {
            flush();
        }
    }

    @Override
    public final byte[] snapshotState(long checkpointId) throws Exception {
        flush();
        return NO_STATE;
    }

    private void flush() throws Exception {
        if (!batch.isEmpty()) {
            upsert(new ArrayList<>(batch.values()));
            batch.clear();
        }
    }
}
