package dev.weir.runtime.exec;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;

/** Counts tasks down to end of data and to finished; a failure counts as both, and is kept. */
final class CountingTaskListener implements TaskListener {
    final CountDownLatch endOfData;
    final CountDownLatch finished;
    final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    CountingTaskListener(int tasks) {
        this.endOfData = new CountDownLatch(tasks);
        this.finished = new CountDownLatch(tasks);
    }

    @Override
    public void acknowledgeCheckpoint(TaskAcknowledgement acknowledgement) {}

    @Override
    public void declineCheckpoint(long checkpointId, ExecutionVertexId vertex, String reason) {}

    @Override
    public void running(ExecutionVertexId vertex) {}

    @Override
    public void endOfData(ExecutionVertexId vertex) {
        endOfData.countDown();
    }

    @Override
    public void finished(ExecutionVertexId vertex) {
        finished.countDown();
    }

    @Override
    public void failed(ExecutionVertexId vertex, Throwable cause) {
        failures.add(cause);
        endOfData.countDown();
        finished.countDown();
    }
}
