package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.PeerLost;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.WorkerFailure;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.testing.ControlMessages;
import dev.weir.testing.Topologies;

/**
 * One attempt's coordinator with two workers that record what it tells them, on a manual clock:
 * when checkpointing starts, how the attempt ends, and that the job's graph comes from the workers.
 */
class AttemptCoordinatorTest {

    private static final long ATTEMPT = 3;
    /** Long enough that the manual clock's steps never make a worker silent unless a test means it. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);
    private static final CheckpointConfig CHECKPOINTS =
            new CheckpointConfig(1_000, 10_000, 0, CheckpointingMode.EXACTLY_ONCE, 2, 2);

    private final ManualClock clock = new ManualClock(1_000_000);
    private final ControlMessages w0 = new ControlMessages();
    private final ControlMessages w1 = new ControlMessages();
    private final List<JobTopology> running = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How often the listener heard that every task runs (the end of a recovery). */
    private final java.util.concurrent.atomic.AtomicInteger tasksRunningEvents = new java.util.concurrent.atomic.AtomicInteger();
    private AttemptCoordinator coordinator = coordinator(HEARTBEAT_TIMEOUT, 40);

    @AfterEach
    void close() {
        coordinator.close();
    }

    @Test
    void checkpointsStartOnlyOnceEveryWorkerRegisteredAndWasHeardFrom() throws Exception {
        register(w0, 0, Topologies.keyedCount(2));
        heartbeat(0, 0);
        tasksRunning(0);
        clock.advance(2_000);
        assertThat(w0.next(300)).as("one of two workers is no job").isNull();

        register(w1, 1, Topologies.keyedCount(2));
        clock.advance(2_000);
        assertThat(w0.next(300)).as("worker 1 has not sent a heartbeat yet").isNull();
        heartbeat(1, 0);
        tasksRunning(1);

        await(() -> !running.isEmpty());
        assertThat(coordinator.topology()).isEqualTo(Topologies.keyedCount(2));
        assertThat(running).containsExactly(Topologies.keyedCount(2));
        await(coordinator::everyTaskRunning);
        clock.advance(1_000);
        assertThat(w0.next(5_000)).isEqualTo("trigger 40");
        assertThat(w1.next(5_000)).isEqualTo("trigger 40");
    }

    @Test
    void noPeriodicCheckpointWhileWorkersStillStartThenOneAtOnce() throws Exception {
        allRegistered();
        tasksRunning(0);
        clock.advance(5_000);
        coordinator.checkpoints().tick();
        assertThat(coordinator.checkpoints().pendingCheckpointId())
                .as("worker 1 is still starting (restoring, opening its storage)").isEmpty();
        assertThat(coordinator.everyTaskRunning()).isFalse();
        assertThat(tasksRunningEvents).as("the listener learns of a recovery's end only once every task runs").hasValue(0);

        // Worker 1's RUNNING events got lost: its heartbeats say it too.
        coordinator.endpoint().heartbeat(new Heartbeat(ATTEMPT, 1, clock.millis(), 0, 0, 0, subtasksOf(1), List.of()));
        await(coordinator::everyTaskRunning);
        await(() -> tasksRunningEvents.get() == 1);
        tasksRunning(1);
        tasksRunning(0);
        coordinator.checkpoints().tick();
        assertThat(coordinator.checkpoints().pendingCheckpointId()).as("the interval has passed long ago").hasValue(40);
        assertThat(w0.next(5_000)).isEqualTo("trigger 40");
        assertThat(tasksRunningEvents).as("once per attempt").hasValue(1);
    }

    @Test
    void tasksRunningWithinTheIntervalKeepTheFirstCheckpointOneIntervalAfterRegistration() throws Exception {
        allRegistered();
        clock.advance(300);
        tasksRunning(0);
        tasksRunning(1);
        await(coordinator::everyTaskRunning);
        clock.advance(699);
        coordinator.checkpoints().tick();
        assertThat(coordinator.checkpoints().pendingCheckpointId()).isEmpty();
        clock.advance(1);
        coordinator.checkpoints().tick();
        assertThat(coordinator.checkpoints().pendingCheckpointId()).hasValue(40);
    }

    @Test
    void aSavepointNeedsNoRunningTasks() throws Exception {
        allRegistered();
        coordinator.triggerSavepoint();

        assertThat(w0.next(5_000)).as("queued by the worker until its tasks run").isEqualTo("trigger 40");
    }

    @Test
    void checkpointIdsContinueAboveTheHighestAWorkerReports() throws Exception {
        register(w0, 0, Topologies.keyedCount(2));
        register(w1, 1, Topologies.keyedCount(2));
        heartbeat(0, 12);
        heartbeat(1, 77);
        tasksRunning(0);
        tasksRunning(1);
        await(coordinator::everyTaskRunning);
        clock.advance(1_000);
        assertThat(w0.next(5_000)).isEqualTo("trigger 78");
    }

    @Test
    void workersWithDifferentGraphsFailTheAttemptWithGraphMismatch() throws Exception {
        register(w0, 0, Topologies.keyedCount(2, "hash-of-build-one"));

        assertThatThrownBy(() -> register(w1, 1, Topologies.keyedCount(2, "hash-of-build-two")))
                .isInstanceOf(RegistrationConflictException.class).hasMessageContaining("different job graph");

        AttemptFailure failure = failure();
        assertThat(failure.cause()).isEqualTo(AttemptFailure.Cause.GraphMismatch);
        assertThat(failure.recoverable()).isTrue();
        assertThat(failure.message()).contains("hash-of-bui").contains("worker 0").contains("worker 1");
        assertThat(w0.next(5_000)).as("the registered worker is told to stop").isEqualTo("cancel");
    }

    @Test
    void aWorkerBuiltForAnotherParallelismCannotJoin() throws Exception {
        assertThatThrownBy(() -> register(w0, 0, Topologies.keyedCount(3)))
                .isInstanceOf(RegistrationConflictException.class).hasMessageContaining("parallelism 3");
        assertThat(failure().cause()).isEqualTo(AttemptFailure.Cause.GraphMismatch);
    }

    @Test
    void aWorkerThatCannotLoadTheJobFailsTheAttemptUnrecoverably() throws Exception {
        register(w0, 0, Topologies.keyedCount(2));
        coordinator.endpoint().workerFailed(new WorkerFailure(ATTEMPT, 1, "job class 'com.example.Missing' was not found",
                UnrecoverableJobException.Kind.JOB_CLASS));

        AttemptFailure failure = failure();
        assertThat(failure.recoverable()).isFalse();
        assertThat(failure.unrecoverable()).isEqualTo(UnrecoverableJobException.Kind.JOB_CLASS);
        assertThat(failure.describe()).isEqualTo("worker 1: job class 'com.example.Missing' was not found");
    }

    @Test
    void aTaskFailureIsRecoverableUnlessItsKindSaysOtherwise() throws Exception {
        allRegistered();
        coordinator.endpoint().taskEvent(new TaskEvent(ATTEMPT, vertex("count-sum", 1), TaskEvent.Kind.FAILED,
                "java.io.IOException: disk full"));
        AttemptFailure failure = failure();
        assertThat(failure.cause()).isEqualTo(AttemptFailure.Cause.TaskFailed);
        assertThat(failure.recoverable()).isTrue();
        assertThat(failure.describe()).isEqualTo("TaskFailed: task count-sum#1 failed: java.io.IOException: disk full");

        coordinator.close();
        coordinator = coordinator(HEARTBEAT_TIMEOUT, 1);
        allRegistered();
        coordinator.endpoint().taskEvent(new TaskEvent(ATTEMPT, vertex("count-sum", 1), TaskEvent.Kind.FAILED,
                "topic 'out' does not exist", UnrecoverableJobException.Kind.CONFIGURATION));
        assertThat(failure().unrecoverable()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION);
    }

    /**
     * Worker 1 takes long to hear that the final checkpoint completed: worker 0, whose sources would
     * end worker 1's sinks, must not be told to finish before (the sinks' last transaction would
     * never commit: data lost, as OperatorParallelismWorkerKillIT once showed).
     */
    @Test
    void workersAreToldToFinishOnlyOnceEveryWorkerHasTheFinalCompletionNotice() throws Exception {
        java.util.concurrent.CountDownLatch slowNoticeTaken = new java.util.concurrent.CountDownLatch(1);
        WorkerGateway fast = w1.asGateway("w1");
        WorkerGateway slowToHearCompletion = new WorkerGateway() {
            @Override
            public void triggerCheckpoint(dev.weir.runtime.worker.protocol.TriggerCheckpoint trigger) throws java.io.IOException {
                fast.triggerCheckpoint(trigger);
            }

            @Override
            public void notifyCheckpointComplete(long checkpointId) throws java.io.IOException {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                fast.notifyCheckpointComplete(checkpointId);
                slowNoticeTaken.countDown();
            }

            @Override
            public void notifyCheckpointAborted(long checkpointId) throws java.io.IOException {
                fast.notifyCheckpointAborted(checkpointId);
            }

            @Override
            public void finish() throws java.io.IOException {
                fast.finish();
            }

            @Override
            public void cancel() throws java.io.IOException {
                fast.cancel();
            }

            @Override
            public String describe() {
                return "w1";
            }
        };
        register(w0, 0, Topologies.keyedCount(2));
        coordinator.register(WorkerRegistration.of("counts", ATTEMPT, 1, "10.0.0.1", 8000, 9000, Topologies.keyedCount(2)),
                slowToHearCompletion);
        heartbeat(0, 0);
        heartbeat(1, 0);
        await(() -> coordinator.checkpoints() != null);
        endOfData(0);
        endOfData(1);
        assertThat(w0.next(5_000)).isEqualTo("trigger 40");
        acknowledgeAll(40);

        assertThat(w0.next(5_000)).isEqualTo("complete 40");
        assertThat(w0.next(5_000)).isEqualTo("finish");
        assertThat(slowNoticeTaken.getCount()).as("worker 1 had the notice before worker 0 was told to finish").isZero();
        assertThat(w1.await("complete")).isEqualTo("complete 40");
        assertThat(w1.next(5_000)).isEqualTo("finish");
    }

    @Test
    void boundedAttemptTakesAFinalCheckpointThenFinishesTheWorkers() throws Exception {
        allRegistered();
        endOfData(0);
        endOfData(1);
        assertThat(w0.next(5_000)).as("final checkpoint, triggered at once").isEqualTo("trigger 40");
        w1.next(5_000);
        acknowledgeAll(40);

        assertThat(w0.next(5_000)).isEqualTo("complete 40");
        assertThat(w0.next(5_000)).as("after the commit, never before").isEqualTo("finish");
        assertThat(w1.next(5_000)).isEqualTo("complete 40");
        assertThat(w1.next(5_000)).isEqualTo("finish");
        assertThat(coordinator.outcome()).isNotDone();

        finished(0);
        finished(1);
        assertThat(coordinator.outcome().get(5, TimeUnit.SECONDS)).isInstanceOf(AttemptOutcome.Finished.class);
        assertThat(coordinator.lastCheckpoint().checkpointId()).isEqualTo(40);
        assertThat(w0.next(300)).as("a finished attempt cancels nothing").isNull();
    }

    @Test
    void endOfDataLostOnTheWayIsLearnedFromHeartbeats() throws Exception {
        allRegistered();
        endOfData(0);
        coordinator.endpoint().heartbeat(new Heartbeat(ATTEMPT, 1, 0, 0, 0, 0, subtasksOf(1), subtasksOf(1)));

        assertThat(w1.next(5_000)).isEqualTo("trigger 40");
    }

    @Test
    void aWorkerExitIsALossUnlessAllItsTasksFinished() throws Exception {
        allRegistered();
        finished(0);
        coordinator.workerExited(0, 0, null);
        coordinator.workerExited(1, 0, "see worker-1.log");

        AttemptFailure failure = failure();
        assertThat(failure.cause()).isEqualTo(AttemptFailure.Cause.WorkerLost);
        assertThat(failure.message()).isEqualTo("worker 1 exited with code 0; see worker-1.log");
    }

    @Test
    void aWorkerThatRanOutOfHeapIsLostWithWhatToDoAboutIt() throws Exception {
        allRegistered();
        coordinator.workerExited(1, 3, "Terminating due to java.lang.OutOfMemoryError: Java heap space");

        AttemptFailure failure = failure();
        assertThat(failure.cause()).isEqualTo(AttemptFailure.Cause.WorkerLost);
        assertThat(failure.recoverable()).isTrue();
        assertThat(failure.message()).startsWith("worker 1 exited with code 3; Terminating due to"
                        + " java.lang.OutOfMemoryError: Java heap space (its state and buffers did not fit its heap")
                .contains("spec.resources.limits.memory", "--worker-heap", "rocksdb");
    }

    @Test
    void aWorkerWhosePeersLostTheirConnectionToItIsLostAtOnceWhileItsSilenceWouldTakeTheTimeout() throws Exception {
        allRegistered();
        coordinator.endpoint().peerLost(new PeerLost(ATTEMPT, 0, 1, "connection to worker 1 lost: java.io.EOFException"));

        AttemptFailure failure = failure();
        assertThat(failure.cause()).isEqualTo(AttemptFailure.Cause.WorkerLost);
        assertThat(failure.recoverable()).isTrue();
        assertThat(failure.message()).isEqualTo("worker 1 lost: the data connection from worker 0 to it ended"
                + " (connection to worker 1 lost: java.io.EOFException)");
        assertThat(clock.millis()).as("no time passed: the heartbeat timeout played no part").isEqualTo(1_000_000);
    }

    @Test
    void aPeerThatFinishedAllItsTasksClosesItsConnectionsWithoutFailingTheAttempt() throws Exception {
        allRegistered();
        finished(1);
        coordinator.endpoint().peerLost(new PeerLost(ATTEMPT, 0, 1, "connection to worker 1 lost"));
        finished(0);

        assertThat(coordinator.outcome().get(5, TimeUnit.SECONDS)).isInstanceOf(AttemptOutcome.Finished.class);
    }

    @Test
    void aLostPeerMustBeAnotherWorkerOfTheAttempt() {
        assertThatThrownBy(() -> coordinator.endpoint().peerLost(new PeerLost(ATTEMPT, 0, 0, "self")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not another worker");
        assertThatThrownBy(() -> coordinator.endpoint().peerLost(new PeerLost(ATTEMPT, 0, 2, "nobody")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> coordinator.endpoint().peerLost(new PeerLost(ATTEMPT - 1, 0, 1, "old")))
                .isInstanceOf(StaleAttemptException.class);
    }

    @Test
    void workersLearnTheirPeersOnlyOnceThePreviousAttemptsAreGone() throws Exception {
        CompletableFuture<Void> previousGone = new CompletableFuture<>();
        coordinator.holdPeersUntil(previousGone);
        register(w0, 0, Topologies.keyedCount(2));
        PeerList answer = coordinator.register(WorkerRegistration.of("counts", ATTEMPT, 1, "10.0.0.1", 8000, 9000,
                Topologies.keyedCount(2)), w1.asGateway("w1"));

        assertThat(answer.workers()).as("registered, but held back").isEmpty();
        assertThat(coordinator.endpoint().peers(ATTEMPT).isCompleteFor(2)).isFalse();
        assertThat(coordinator.registeredWorkers()).isEqualTo(2);

        previousGone.complete(null);
        assertThat(coordinator.endpoint().peers(ATTEMPT).isCompleteFor(2)).isTrue();
    }

    @Test
    void aSilentWorkerFailsTheAttempt() throws Exception {
        coordinator.close();
        coordinator = coordinator(HEARTBEAT_TIMEOUT, 1);
        allRegistered();
        clock.advance(HEARTBEAT_TIMEOUT.toMillis() + 1);
        coordinator.endpoint().heartbeat(new Heartbeat(ATTEMPT, 0, 0));

        AttemptFailure failure = failure();
        assertThat(failure.cause()).isEqualTo(AttemptFailure.Cause.HeartbeatTimeout);
        assertThat(failure.message()).startsWith("worker 1 ");
        assertThat(coordinator.silentWorkers()).containsExactly(1);
    }

    @Test
    void workersThatDoNotRegisterInTimeFailTheAttempt() throws Exception {
        coordinator.close();
        coordinator = new AttemptCoordinator(settings(Duration.ZERO, Duration.ofSeconds(60), 1),
                new InMemoryCompletedCheckpointStore(), Executors.newSingleThreadExecutor(), clock, null, listener());
        register(w0, 0, Topologies.keyedCount(2));
        clock.advance(60_001);

        AttemptFailure failure = failure();
        assertThat(failure.cause()).isEqualTo(AttemptFailure.Cause.RegistrationTimeout);
        assertThat(failure.message()).isEqualTo("1 of 2 workers registered within 60000 ms");
    }

    @Test
    void stopWithSavepointSuspendsAfterTheSavepoint() throws Exception {
        allRegistered();
        coordinator.stopWithSavepoint();
        assertThat(w0.next(5_000)).isEqualTo("trigger 40");
        w1.next(5_000);
        acknowledgeAll(40);

        AttemptOutcome outcome = coordinator.outcome().get(5, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(AttemptOutcome.Suspended.class);
        assertThat(((AttemptOutcome.Suspended) outcome).savepoint().checkpointId()).isEqualTo(40);
        assertThat(w0.await("cancel")).isEqualTo("cancel");
    }

    @Test
    void stopBeforeEveryWorkerRunsCancelsWithoutASavepoint() throws Exception {
        register(w0, 0, Topologies.keyedCount(2));
        coordinator.stopWithSavepoint();

        AttemptOutcome outcome = coordinator.outcome().get(5, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(AttemptOutcome.Canceled.class);
        assertThat(((AttemptOutcome.Canceled) outcome).reason()).contains("no savepoint");
    }

    @Test
    void aFinishingAttemptRefusesSavepointsAndFinishesInsteadOfStopping() throws Exception {
        allRegistered();
        endOfData(0);
        endOfData(1);
        assertThat(w0.next(5_000)).isEqualTo("trigger 40");

        assertThatThrownBy(() -> coordinator.triggerSavepoint().get(5, TimeUnit.SECONDS))
                .hasMessageContaining("is finishing");
        coordinator.stopWithSavepoint();
        acknowledgeAll(40);
        finished(0);
        finished(1);
        assertThat(coordinator.outcome().get(5, TimeUnit.SECONDS)).isInstanceOf(AttemptOutcome.Finished.class);
    }

    @Test
    void messagesOfAnotherAttemptAreStale() {
        assertThatThrownBy(() -> coordinator.endpoint().taskEvent(new TaskEvent(ATTEMPT - 1, vertex("generator", 0),
                TaskEvent.Kind.FAILED, "old"))).isInstanceOf(StaleAttemptException.class);
        assertThatThrownBy(() -> coordinator.endpoint().peers(ATTEMPT + 1)).isInstanceOf(StaleAttemptException.class);
    }

    // ---- helpers ----

    private AttemptCoordinator coordinator(Duration heartbeatTimeout, long firstCheckpointId) {
        return new AttemptCoordinator(settings(heartbeatTimeout, Duration.ZERO, firstCheckpointId),
                new InMemoryCompletedCheckpointStore(), Executors.newSingleThreadExecutor(), clock, null, listener());
    }

    private static AttemptCoordinator.Settings settings(Duration heartbeatTimeout, Duration registrationTimeout,
                                                        long firstCheckpointId) {
        return new AttemptCoordinator.Settings("counts", ATTEMPT, 2, 128, 2, CHECKPOINTS, heartbeatTimeout,
                registrationTimeout, firstCheckpointId);
    }

    private AttemptListener listener() {
        return new AttemptListener() {
            @Override
            public void onRunning(JobTopology topology, long firstCheckpointId) {
                running.add(topology);
            }

            @Override
            public void onTasksRunning() {
                tasksRunningEvents.incrementAndGet();
            }
        };
    }

    /** Both workers registered and heard from: checkpointing runs. */
    private void allRegistered() throws Exception {
        register(w0, 0, Topologies.keyedCount(2));
        register(w1, 1, Topologies.keyedCount(2));
        heartbeat(0, 0);
        heartbeat(1, 0);
        await(() -> coordinator.checkpoints() != null);
    }

    private void register(ControlMessages worker, int index, JobTopology topology) {
        coordinator.register(WorkerRegistration.of("counts", ATTEMPT, index, "10.0.0." + index, 8000, 9000, topology),
                worker.asGateway("w" + index));
    }

    private void heartbeat(int worker, long highestCheckpointId) {
        coordinator.endpoint().heartbeat(new Heartbeat(ATTEMPT, worker, clock.millis(), 0, 0, highestCheckpointId, List.of(),
                List.of()));
    }

    private void tasksRunning(int worker) {
        subtasksOf(worker).forEach(v -> coordinator.endpoint().taskEvent(new TaskEvent(ATTEMPT, v, TaskEvent.Kind.RUNNING, null)));
    }

    private void endOfData(int worker) {
        subtasksOf(worker).forEach(v -> coordinator.endpoint().taskEvent(new TaskEvent(ATTEMPT, v, TaskEvent.Kind.END_OF_DATA,
                null)));
    }

    private void finished(int worker) {
        subtasksOf(worker).forEach(v -> coordinator.endpoint().taskEvent(new TaskEvent(ATTEMPT, v, TaskEvent.Kind.FINISHED, null)));
    }

    private void acknowledgeAll(long checkpointId) {
        for (ExecutionVertexId subtask : Topologies.keyedCount(2).subtasks()) {
            coordinator.endpoint().acknowledge(new Acknowledge(ATTEMPT, new TaskAcknowledgement(checkpointId, subtask, Map.of())));
        }
    }

    private static List<ExecutionVertexId> subtasksOf(int worker) {
        return Topologies.keyedCount(2).subtasksOfWorker(worker);
    }

    private static ExecutionVertexId vertex(String task, int subtask) {
        return new ExecutionVertexId(task, subtask);
    }

    private AttemptFailure failure() throws InterruptedException, ExecutionException, TimeoutException {
        AttemptOutcome outcome = coordinator.outcome().get(5, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(AttemptOutcome.Failed.class);
        assertThat(coordinator.failure()).isEqualTo(((AttemptOutcome.Failed) outcome).failure());
        return ((AttemptOutcome.Failed) outcome).failure();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
