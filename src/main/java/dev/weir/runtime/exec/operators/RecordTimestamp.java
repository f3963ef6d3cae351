package dev.weir.runtime.exec.operators;

import dev.weir.runtime.network.RecordBatch;

/**
 * The event timestamp of the record a task's chain is handling, one per task. Chained operators
 * pass records by direct calls without a wrapper, so the timestamp travels beside them: the
 * chain's head sets it for each record it takes in, an operator emitting from a timer sets it to
 * the timer's time, and the network output reads it into the batch. Task thread only.
 */
public final class RecordTimestamp {

    private long value = RecordBatch.NO_TIMESTAMP;

    public long get() {
        return value;
    }

    public void set(long timestamp) {
        this.value = timestamp;
    }

    public boolean isSet() {
        return value != RecordBatch.NO_TIMESTAMP;
    }
}
