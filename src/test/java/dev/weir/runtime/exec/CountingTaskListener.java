package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;

/** Counts tasks down to end of data and to finished; a failure counts as both, and is kept. */
final class CountingTaskListener implements TaskListener {
    final CountDownLatch endOfData;
    final CountDownLatch finished;
    final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final Queue<TaskAcknowledgement> acknowledgements = new ConcurrentLinkedQueue<>();

    CountingTaskListener(int tasks) {
        this.endOfData = new CountDownLatch(tasks);
        this.finished = new CountDownLatch(tasks);
    }

    /**
     * Starts the attempts, waits for every task to reach the end of its data, finishes them (as
     * after the final checkpoint) and waits for every task to finish without a failure; cancels
     * them in any case.
     */
    void runToEnd(List<ExecutionAttempt> attempts, ProcessingTimeService timeService, Duration timeout)
            throws InterruptedException {
        runToEnd(attempts, timeService, timeout, () -> {});
    }

    /** As {@link #runToEnd(List, ProcessingTimeService, Duration)}, running {@code whileRunning} once the tasks started. */
    void runToEnd(List<ExecutionAttempt> attempts, ProcessingTimeService timeService, Duration timeout,
                  WhileRunning whileRunning) throws InterruptedException {
        try {
            attempts.forEach(ExecutionAttempt::start);
            whileRunning.run();
            assertThat(endOfData.await(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("every task reached end of data").isTrue();
            attempts.forEach(ExecutionAttempt::finish);
            assertThat(finished.await(30, TimeUnit.SECONDS)).as("every task finished").isTrue();
            assertThat(failures).isEmpty();
        } finally {
            attempts.forEach(ExecutionAttempt::cancel);
            for (ExecutionAttempt attempt : attempts) {
                assertThat(attempt.awaitTermination(Duration.ofSeconds(10))).isTrue();
            }
            timeService.close();
        }
    }

    /** What a test does while the tasks run (trigger checkpoints, wait for their acknowledgements). */
    interface WhileRunning {
        void run() throws InterruptedException;
    }

    @Override
    public void acknowledgeCheckpoint(TaskAcknowledgement acknowledgement) {
        acknowledgements.add(acknowledgement);
    }

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
