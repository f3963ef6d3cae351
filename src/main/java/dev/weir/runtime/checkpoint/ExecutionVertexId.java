package dev.weir.runtime.checkpoint;

/** One subtask of one task (an operator chain) of the job graph. */
public record ExecutionVertexId(String taskName, int subtask) {
    @Override
    public String toString() {
        return taskName + "#" + subtask;
    }
}
