package dev.weir.runtime.exec;

import java.util.concurrent.atomic.LongAdder;

/** Counters shared by the tasks of a process; tasks add to them per batch, never per record. */
public final class JobMetrics {

    private final LongAdder sourceRecords = new LongAdder();
    private final LongAdder sinkRecords = new LongAdder();

    public void addSourceRecords(long n) {
        if (n != 0) {
            sourceRecords.add(n);
        }
    }

    public void addSinkRecords(long n) {
        if (n != 0) {
            sinkRecords.add(n);
        }
    }

    /** Records emitted by sources, across attempts (replayed records count again). */
    public long sourceRecords() {
        return sourceRecords.sum();
    }

    public long sinkRecords() {
        return sinkRecords.sum();
    }
}
