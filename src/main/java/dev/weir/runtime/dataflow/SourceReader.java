package dev.weir.runtime.dataflow;

import dev.weir.runtime.dataflow.functions.Collector;

/**
 * Reads one subtask's share of a source, pull-based: the task thread calls {@link #pollNext}
 * between mailbox actions, so a checkpoint's barrier is injected exactly between two polls and
 * {@link #snapshotState} sees the position after the last record emitted.
 */
public interface SourceReader<T> extends AutoCloseable {

    /** Emits a batch of records (a bounded number) and says whether there is more. */
    InputStatus pollNext(Collector<T> output) throws Exception;

    /**
     * What the engine calls. Readers of several splits override it to emit each split's records
     * through {@link ReaderOutput#forSplit} (per-split watermarks); the default emits them all as
     * the subtask's.
     */
    default InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        return pollNext((Collector<T>) output);
    }

    /** The read position after every record emitted so far. */
    byte[] snapshotState(long checkpointId) throws Exception;

    /**
     * How many records the external system holds that this reader has not emitted yet (Flink's
     * {@code pendingRecords}; Kafka's consumer lag), as of the reader's latest measurement, or -1
     * when it does not know. Called from any thread: a reader measures on its own thread, now and
     * then, never per record, and publishes the figure.
     */
    default long pendingRecords() {
        return -1;
    }

    default void notifyCheckpointComplete(long checkpointId) throws Exception {}

    default void notifyCheckpointAborted(long checkpointId) throws Exception {}

    @Override
    default void close() throws Exception {}
}
