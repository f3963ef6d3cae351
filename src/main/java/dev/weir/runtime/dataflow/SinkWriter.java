package dev.weir.runtime.dataflow;

/**
 * One subtask of a sink. The checkpoint contract (the rules from Flink's two-phase-commit sinks):
 * <ul>
 *   <li>{@link #snapshotState} runs at the barrier: everything written before it belongs to that
 *       checkpoint; a transactional sink pre-commits here and puts the handle in its state.</li>
 *   <li>{@link #notifyCheckpointComplete} is best effort and may be skipped; ids only grow and a
 *       higher id covers all lower ones, so the sink commits everything pending up to it.</li>
 *   <li>Commits are idempotent: after a restore, committables from the restored state are
 *       committed again and anything else left over is aborted.</li>
 * </ul>
 */
public interface SinkWriter<T> extends AutoCloseable {

    void write(T record) throws Exception;

    /** No more records will come (bounded input); a final checkpoint follows. */
    default void endInput() throws Exception {}

    byte[] snapshotState(long checkpointId) throws Exception;

    default void notifyCheckpointComplete(long checkpointId) throws Exception {}

    default void notifyCheckpointAborted(long checkpointId) throws Exception {}

    @Override
    default void close() throws Exception {}
}
