package dev.weir.runtime.dataflow;

import dev.weir.runtime.dataflow.functions.Collector;

/**
 * What a source reader emits into. Records collected here directly belong to the subtask as a
 * whole; a reader of several splits (Kafka partitions, generator splits, files) emits each split's
 * records through {@link #forSplit} instead, so that each split has its own watermark and the
 * subtask's is their minimum (one slow split cannot make the others' records late).
 */
public interface ReaderOutput<T> extends Collector<T> {

    /** The output for one split's records; the same instance for the same id, so readers may keep it. */
    Collector<T> forSplit(String splitId);

    /** The split is done (or was handed away): it no longer holds the watermark back. */
    void releaseSplit(String splitId);
}
