package dev.weir.connectors.sink;

/**
 * Remembers which (subtask, checkpoint) batches a write-ahead sink has written, so a replayed
 * batch is not written twice. The record should live in the target system, ideally in the same
 * transaction as the batch itself; {@code subtask} is the index of the subtask that buffered the
 * batch, which stays its key after a rescale.
 */
public interface CheckpointCommitter {

    boolean isCommitted(int subtask, long checkpointId) throws Exception;

    void commit(int subtask, long checkpointId) throws Exception;
}
