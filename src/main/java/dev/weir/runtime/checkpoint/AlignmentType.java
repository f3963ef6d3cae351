package dev.weir.runtime.checkpoint;

/** How a barrier relates to the records ahead of it in its channel (Flink's alignment types). */
public enum AlignmentType {
    /**
     * In order with the records: a task with several inputs blocks each input at the barrier until
     * every input has delivered it. Savepoints always are; checkpoints unless unaligned ones are on.
     */
    ALIGNED,
    /**
     * Overtakes the records queued ahead of it; those records (and the ones a task reads from an
     * input before that input's barrier arrives) are persisted as channel state and replayed before
     * new input on restore.
     */
    UNALIGNED
}
