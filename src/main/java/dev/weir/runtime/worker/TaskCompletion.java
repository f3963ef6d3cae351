package dev.weir.runtime.worker;

import java.util.concurrent.atomic.AtomicInteger;

import dev.weir.runtime.checkpoint.ExecutionVertexId;

/**
 * The end of a worker's tasks, in the order the coordinator relies on: the worker's final
 * heartbeat (its last counts) goes out before the last task's FINISHED, and the worker stops only
 * once every task's FINISHED has been delivered. Stopping interrupts the task threads, and with
 * them a delivery still under way: the coordinator would then wait for that task until the
 * worker's missing heartbeats failed the attempt. Called from the task threads.
 */
final class TaskCompletion {

    /** What the worker does at each step. */
    interface Steps {
        void finalHeartbeat();

        /** Returns once the coordinator has the event (or delivery has failed for good). */
        void deliverFinished(ExecutionVertexId task);

        void allDelivered();
    }

    private final int tasks;
    private final Steps steps;
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger delivered = new AtomicInteger();

    TaskCompletion(int tasks, Steps steps) {
        if (tasks < 1) {
            throw new IllegalArgumentException("a worker runs at least one task, got " + tasks);
        }
        this.tasks = tasks;
        this.steps = steps;
    }

    void finished(ExecutionVertexId task) {
        if (finished.incrementAndGet() == tasks) {
            steps.finalHeartbeat();
        }
        steps.deliverFinished(task);
        if (delivered.incrementAndGet() == tasks) {
            steps.allDelivered();
        }
    }
}
