package dev.weir.runtime.exec;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;

/** A task listener for tests whose tasks must not fail: a failure is an assertion error; the rest is ignored. */
class TaskFailureAsserter implements TaskListener {
    @Override
    public void acknowledgeCheckpoint(TaskAcknowledgement acknowledgement) {}

    @Override
    public void declineCheckpoint(long checkpointId, ExecutionVertexId vertex, String reason) {}

    @Override
    public void running(ExecutionVertexId vertex) {}

    @Override
    public void endOfData(ExecutionVertexId vertex) {}

    @Override
    public void finished(ExecutionVertexId vertex) {}

    @Override
    public void failed(ExecutionVertexId vertex, Throwable cause) {
        throw new AssertionError("task " + vertex + " failed", cause);
    }
}
