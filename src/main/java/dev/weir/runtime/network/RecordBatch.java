package dev.weir.runtime.network;

/**
 * A batch of records travelling through a channel. Producers fill one per target channel and
 * hand it over whole, so queue operations and consumer wake-ups happen per batch, not per record.
 */
public final class RecordBatch {

    private final Object[] records;
    private int size;

    public RecordBatch(int capacity) {
        this.records = new Object[capacity];
    }

    /** Appends a record; returns true when the batch is full. */
    public boolean add(Object record) {
        records[size++] = record;
        return size == records.length;
    }

    public Object get(int index) {
        return records[index];
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
    }
}
