package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.ExecutionVertexId;

class TaskCompletionTest {

    private static final ExecutionVertexId SOURCE = new ExecutionVertexId("generator", 1);
    private static final ExecutionVertexId COUNTS = new ExecutionVertexId("count-sum", 1);

    /** What the steps did, in order. */
    private final List<String> steps = new CopyOnWriteArrayList<>();

    private TaskCompletion completion(int tasks, CountDownLatch sourceDelivering, CountDownLatch releaseSource) {
        return new TaskCompletion(tasks, new TaskCompletion.Steps() {
            @Override
            public void finalHeartbeat() {
                steps.add("heartbeat");
            }

            @Override
            public void deliverFinished(ExecutionVertexId task) {
                if (task.equals(SOURCE) && releaseSource != null) {
                    sourceDelivering.countDown();
                    try {
                        assertThat(releaseSource.await(10, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                steps.add("finished " + task);
            }

            @Override
            public void allDelivered() {
                steps.add("stop");
            }
        });
    }

    /**
     * The race behind a bounded job that failed at its very end: the source's FINISHED was still on
     * its way when the other task finished last, and stopping the worker interrupted it.
     */
    @Test
    void theWorkerStopsOnlyOnceTheFinishedOfAnEarlierTaskIsDelivered() throws Exception {
        CountDownLatch sourceDelivering = new CountDownLatch(1);
        CountDownLatch releaseSource = new CountDownLatch(1);
        TaskCompletion completion = completion(2, sourceDelivering, releaseSource);
        Thread sourceThread = new Thread(() -> completion.finished(SOURCE));
        sourceThread.start();
        assertThat(sourceDelivering.await(10, TimeUnit.SECONDS)).isTrue();

        completion.finished(COUNTS); // the last task to finish, while the source's event is in flight
        assertThat(steps).containsExactly("heartbeat", "finished " + COUNTS);

        releaseSource.countDown();
        sourceThread.join(10_000);
        assertThat(steps).containsExactly("heartbeat", "finished " + COUNTS, "finished " + SOURCE, "stop");
    }

    @Test
    void theFinalHeartbeatGoesOutBeforeTheLastFinished() {
        TaskCompletion completion = completion(2, null, null);
        completion.finished(SOURCE);
        assertThat(steps).containsExactly("finished " + SOURCE);
        completion.finished(COUNTS);
        assertThat(steps).containsExactly("finished " + SOURCE, "heartbeat", "finished " + COUNTS, "stop");
    }

    @Test
    void aSingleTask() {
        completion(1, null, null).finished(COUNTS);
        assertThat(steps).containsExactly("heartbeat", "finished " + COUNTS, "stop");
    }
}
