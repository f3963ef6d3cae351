package dev.weir.runtime.network;

/**
 * A batch of records travelling through a channel, each with its event timestamp
 * ({@link #NO_TIMESTAMP} when it has none). Producers fill one per target channel and hand it over
 * whole, so queue operations and consumer wake-ups happen per batch, not per record.
 */
public final class RecordBatch {

    /** The timestamp of a record that has none (no watermark strategy upstream). */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final Object[] records;
    private final long[] timestamps;
    private int size;
    private boolean hasTimestamps;

    public RecordBatch(int capacity) {
        this.records = new Object[capacity];
        this.timestamps = new long[capacity];
    }

    /** Appends a record without a timestamp; returns true when the batch is full. */
    public boolean add(Object record) {
        return add(record, NO_TIMESTAMP);
    }

    /** Appends a record with its event timestamp; returns true when the batch is full. */
    public boolean add(Object record, long timestamp) {
        timestamps[size] = timestamp;
        hasTimestamps |= timestamp != NO_TIMESTAMP;
        records[size++] = record;
        return size == records.length;
    }

    public Object get(int index) {
        return records[index];
    }

    public long timestamp(int index) {
        return timestamps[index];
    }

    /** False when every record has {@link #NO_TIMESTAMP}: the wire then carries no timestamps. */
    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int capacity() {
        return records.length;
    }

    /** Clears for reuse; drops references so records can be collected. */
    public void clear() {
        java.util.Arrays.fill(records, 0, size, null);
        size = 0;
        hasTimestamps = false;
    }
}
