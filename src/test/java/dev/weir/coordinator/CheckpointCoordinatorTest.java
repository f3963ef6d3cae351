package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.IncrementalStateHandle;
import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.checkpoint.SubtaskCheckpointMetrics;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class CheckpointCoordinatorTest {

    private static final long INTERVAL = 1_000;
    private static final long TIMEOUT = 5_000;
    private static final long MIN_PAUSE = 300;
    private static final int RETAINED = 2;
    private static final int TOLERABLE = 2;
    private static final CheckpointConfig CONFIG =
            new CheckpointConfig(INTERVAL, TIMEOUT, MIN_PAUSE, CheckpointingMode.EXACTLY_ONCE, RETAINED, TOLERABLE);

    private static final ExecutionVertexId SRC_0 = new ExecutionVertexId("source", 0);
    private static final ExecutionVertexId SRC_1 = new ExecutionVertexId("source", 1);
    private static final ExecutionVertexId AGG_0 = new ExecutionVertexId("count", 0);
    private static final ExecutionVertexId AGG_1 = new ExecutionVertexId("count", 1);
    private static final Set<ExecutionVertexId> VERTICES = Set.of(SRC_0, SRC_1, AGG_0, AGG_1);

    private final ManualClock clock = new ManualClock(10_000);
    private final RecordingGateway gateway = new RecordingGateway();
    private final RecordingListener listener = new RecordingListener();
    private final InMemoryCompletedCheckpointStore store = new InMemoryCompletedCheckpointStore();
    private final Executor direct = Runnable::run;

    /** A coordinator whose tasks all run: periodic checkpoints started. */
    private CheckpointCoordinator coordinator(CheckpointConfig config, long nextCheckpointId, Executor io) {
        CheckpointCoordinator coordinator = notStarted(config, nextCheckpointId, io);
        coordinator.startPeriodicCheckpoints();
        return coordinator;
    }

    private CheckpointCoordinator notStarted(CheckpointConfig config, long nextCheckpointId, Executor io) {
        return new CheckpointCoordinator("keyed-count", 2, 128, config, clock, VERTICES,
                gateway, store, io, listener, nextCheckpointId);
    }

    private CheckpointCoordinator coordinator() {
        return coordinator(CONFIG, 1, direct);
    }

    /** Advances to the next periodic trigger and returns its id. */
    private long triggerPeriodic(CheckpointCoordinator coordinator) {
        int before = gateway.triggers.size();
        clock.advance(INTERVAL);
        coordinator.tick();
        assertThat(gateway.triggers).hasSize(before + 1);
        return gateway.lastTrigger().checkpointId();
    }

    private static OperatorSubtaskState state(int subtask, int bytes) {
        return new OperatorSubtaskState(subtask, new StateHandle("op-" + subtask, 0, bytes),
                Map.of(subtask * 64, new StateHandle("kg-" + subtask, 0, 2 * bytes)));
    }

    private static TaskAcknowledgement ack(long id, ExecutionVertexId vertex) {
        int subtask = vertex.subtask();
        Map<String, OperatorSubtaskState> operators = vertex.taskName().equals("source")
                ? Map.of("source-uid", new OperatorSubtaskState(subtask, new StateHandle("off", subtask, 8), Map.of()))
                : Map.of("map-uid", state(subtask, 10), "count-uid", state(subtask, 100));
        // Timings differ per vertex; the completed checkpoint reports the slowest of each.
        boolean source = vertex.taskName().equals("source");
        SubtaskCheckpointMetrics metrics = new SubtaskCheckpointMetrics(subtask + 1,
                source ? 0 : (subtask + 1) * 3_000_000L, (subtask + 1) * 2_000_000L, source ? 5_000_000L : 1_000_000L);
        return new TaskAcknowledgement(id, vertex, operators, metrics);
    }

    private static void ackAll(CheckpointCoordinator coordinator, long id) {
        // Reverse subtask order, to show the metadata sorts by subtask.
        for (ExecutionVertexId v : List.of(AGG_1, SRC_1, AGG_0, SRC_0)) {
            coordinator.acknowledge(ack(id, v));
        }
    }

    @Test
    void triggersFirstCheckpointOneIntervalAfterStart() {
        CheckpointCoordinator coordinator = coordinator();
        clock.advance(INTERVAL - 1);
        coordinator.tick();
        assertThat(gateway.triggers).isEmpty();

        clock.advance(1);
        coordinator.tick();

        assertThat(gateway.triggers).containsExactly(
                new RecordingGateway.Trigger(1, clock.millis(), CheckpointType.CHECKPOINT));
        assertThat(coordinator.pendingCheckpointId()).hasValue(1);
        assertThat(listener.triggered).as("hosts show how long it is pending").containsExactly(1L);
    }

    @Test
    void triggersNoPeriodicCheckpointBeforeItsTasksRunThenAtOnceWhenTheIntervalHasPassed() {
        CheckpointCoordinator coordinator = notStarted(CONFIG, 1, direct);
        clock.advance(10 * INTERVAL);
        coordinator.tick();
        assertThat(gateway.triggers).as("the tasks still start").isEmpty();

        coordinator.startPeriodicCheckpoints();
        coordinator.tick();
        assertThat(gateway.triggers).containsExactly(
                new RecordingGateway.Trigger(1, clock.millis(), CheckpointType.CHECKPOINT));
    }

    @Test
    void explicitRequestsNeedNoRunningTasks() {
        CheckpointCoordinator coordinator = notStarted(CONFIG, 1, direct);
        coordinator.triggerCheckpoint(CheckpointType.SAVEPOINT);

        assertThat(gateway.triggers).containsExactly(
                new RecordingGateway.Trigger(1, clock.millis(), CheckpointType.SAVEPOINT));
    }

    @Test
    void waitsMinPauseAfterCheckpointEndsBeforeNextTrigger() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        clock.advance(900);
        ackAll(coordinator, id);

        clock.advance(100); // interval since trigger has passed, min pause since end has not
        coordinator.tick();
        clock.advance(MIN_PAUSE - 101);
        coordinator.tick();
        assertThat(gateway.triggers).hasSize(1);

        clock.advance(1);
        coordinator.tick();
        assertThat(gateway.triggers).hasSize(2);
    }

    @Test
    void keepsAtMostOneCheckpointPending() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        for (int i = 0; i < 4; i++) {
            clock.advance(INTERVAL);
            coordinator.tick();
        }
        assertThat(gateway.triggers).hasSize(1);
        assertThat(coordinator.pendingCheckpointId()).hasValue(id);
    }

    @Test
    void eachSubtasksPartCountsFromTheTriggerToItsOwnAcknowledgement() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        for (ExecutionVertexId v : List.of(SRC_1, AGG_0, SRC_0, AGG_1)) {
            clock.advance(100);
            coordinator.acknowledge(ack(id, v));
        }

        assertThat(listener.completed).singleElement().satisfies(c -> assertThat(c.subtasks())
                .extracting(s -> s.task() + "/" + s.subtask() + " " + s.ackMs() + " ms " + s.stateSize() + " B")
                .containsExactly("count/0 200 ms 330 B", "count/1 400 ms 330 B", "source/0 300 ms 8 B",
                        "source/1 100 ms 8 B"));
    }

    @Test
    void writesMergedMetadataThenNotifiesCompleteThenRetains() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        long triggeredAt = clock.millis();
        clock.advance(250);

        ackAll(coordinator, id);

        CheckpointMetadata metadata = store.checkpoint(id);
        assertThat(metadata.checkpointId()).isEqualTo(id);
        assertThat(metadata.savepoint()).isFalse();
        assertThat(metadata.jobName()).isEqualTo("keyed-count");
        assertThat(metadata.parallelism()).isEqualTo(2);
        assertThat(metadata.maxParallelism()).isEqualTo(128);
        assertThat(metadata.triggerTimestamp()).isEqualTo(triggeredAt);
        assertThat(metadata.completionTimestamp()).isEqualTo(triggeredAt + 250);
        assertThat(metadata.operators()).containsOnlyKeys("source-uid", "map-uid", "count-uid");
        assertThat(metadata.operators().get("count-uid")).containsExactly(state(0, 100), state(1, 100));
        assertThat(metadata.operators().get("source-uid")).extracting(OperatorSubtaskState::subtask)
                .containsExactly(0, 1);
        assertThat(metadata.stateSize()).isEqualTo(2 * 8 + 2 * (10 + 20) + 2 * (100 + 200));

        assertThat(gateway.completed).containsExactly(id);
        assertThat(listener.completed).containsExactly(new CompletedCheckpointStats(
                id, CheckpointType.CHECKPOINT, "mem://job/checkpoints/chk-" + id,
                triggeredAt, triggeredAt + 250, 250, metadata.stateSize(), new CheckpointTimings(2, 6, 4, 5),
                metadata.stateSize(), List.of(
                        new SubtaskCheckpointStats("count", 0, 250, 330, 1, 3.0, 2.0, 1.0),
                        new SubtaskCheckpointStats("count", 1, 250, 330, 2, 6.0, 4.0, 1.0),
                        new SubtaskCheckpointStats("source", 0, 250, 8, 1, 0.0, 2.0, 5.0),
                        new SubtaskCheckpointStats("source", 1, 250, 8, 2, 0.0, 4.0, 5.0))));
        assertThat(store.retainCalls()).containsExactly(RETAINED);
        assertThat(coordinator.completedCount()).isEqualTo(1);
        assertThat(coordinator.lastCompleted()).contains(listener.completed.get(0));
        assertThat(coordinator.pendingCheckpointId()).isEmpty();
        assertThat(gateway.aborted).isEmpty();
    }

    @Test
    void doesNotCompleteWhileAnAckIsMissing() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        coordinator.acknowledge(ack(id, SRC_0));
        coordinator.acknowledge(ack(id, SRC_1));
        coordinator.acknowledge(ack(id, AGG_0));

        assertThat(store.metadataWrites()).isEmpty();
        assertThat(gateway.completed).isEmpty();
        assertThat(coordinator.pendingCheckpointId()).hasValue(id);
    }

    @Test
    void ignoresDuplicateAcksAndAcksFromUnexpectedVertices() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        coordinator.acknowledge(ack(id, SRC_0));
        coordinator.acknowledge(ack(id, SRC_0));
        coordinator.acknowledge(ack(id, new ExecutionVertexId("source", 7)));
        coordinator.acknowledge(ack(id, SRC_1));
        coordinator.acknowledge(ack(id, AGG_0));
        assertThat(store.metadataWrites()).isEmpty();

        coordinator.acknowledge(ack(id, AGG_1));
        coordinator.acknowledge(ack(id, AGG_1));
        assertThat(store.metadataWrites()).containsExactly(id);
        assertThat(gateway.completed).containsExactly(id);
    }

    @Test
    void abortsAndDiscardsCheckpointThatTimesOut() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        coordinator.acknowledge(ack(id, SRC_0));
        clock.advance(TIMEOUT - 1);
        coordinator.tick();
        assertThat(gateway.aborted).isEmpty();

        clock.advance(1);
        coordinator.tick();

        assertThat(gateway.aborted).containsExactly(id);
        assertThat(store.discarded()).containsExactly(id);
        assertThat(listener.failures).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(CheckpointFailureReason.TIMEOUT);
            assertThat(f.message()).contains("1/4 acks");
        });
        assertThat(coordinator.failedCount()).isEqualTo(1);
        assertThat(coordinator.consecutiveFailures()).isEqualTo(1);
        assertThat(store.metadataWrites()).isEmpty();
    }

    @Test
    void declineAbortsPendingCheckpoint() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        coordinator.acknowledge(ack(id, SRC_0));

        coordinator.decline(id, AGG_1, "state backend full");

        assertThat(coordinator.pendingCheckpointId()).isEmpty();
        assertThat(gateway.aborted).containsExactly(id);
        assertThat(store.discarded()).containsExactly(id);
        assertThat(listener.failures).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(CheckpointFailureReason.DECLINED);
            assertThat(f.message()).contains("count#1", "state backend full");
        });
    }

    @Test
    void ignoresDeclineOfOtherCheckpoints() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        coordinator.decline(id + 1, AGG_1, "future");
        coordinator.decline(id, new ExecutionVertexId("stranger", 0), "unknown vertex");
        assertThat(coordinator.pendingCheckpointId()).hasValue(id);
        assertThat(listener.failures).isEmpty();
    }

    @Test
    void metadataWriteFailureCountsFailureNotifiesAbortAndKeepsFiles() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        store.failWrites(true);

        ackAll(coordinator, id);

        assertThat(store.metadataWrites()).containsExactly(id);
        assertThat(listener.failures).extracting(RecordingListener.Failure::reason)
                .containsExactly(CheckpointFailureReason.STORAGE_FAILURE);
        assertThat(gateway.aborted).containsExactly(id);
        assertThat(gateway.completed).isEmpty();
        assertThat(store.discarded()).isEmpty();
        assertThat(store.retainCalls()).isEmpty();
        assertThat(coordinator.consecutiveFailures()).isEqualTo(1);
        assertThat(coordinator.completedCount()).isZero();
        assertThat(coordinator.pendingCheckpointId()).isEmpty();
    }

    @Test
    void sharedFilesOfEarlierCheckpointsCountInTheStateSizeButNotInTheBytesUploaded() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        for (ExecutionVertexId v : List.of(SRC_0, SRC_1)) {
            coordinator.acknowledge(ack(id, v));
        }
        for (ExecutionVertexId v : List.of(AGG_0, AGG_1)) {
            int subtask = v.subtask();
            // the database's older file was uploaded by checkpoint id - 3, its newer one by this checkpoint
            IncrementalStateHandle db = new IncrementalStateHandle("db-" + subtask, subtask * 64, subtask * 64 + 63,
                    List.of(new SharedFile("000010.sst", "job/shared/old-" + subtask, 1_000, id - 3),
                            new SharedFile("000012.sst", "job/shared/new-" + subtask, 50, id)),
                    Map.of("MANIFEST-000001", new StateHandle("manifest-" + subtask, 0, 5)));
            coordinator.acknowledge(new TaskAcknowledgement(id, v, Map.of("count-uid",
                    new OperatorSubtaskState(subtask, null, Map.of(), db))));
        }

        CompletedCheckpointStats stats = listener.completed.get(0);
        assertThat(stats.stateSize()).isEqualTo(2 * 8 + 2 * (1_000 + 50 + 5));
        assertThat(stats.uploadedSize()).isEqualTo(2 * 8 + 2 * (50 + 5));
    }

    @Test
    void aCheckpointReusingADeletedSharedFileIsAbortedWithoutCountingAndTheNextCompletes() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        store.failNextWrite(new dev.weir.runtime.checkpoint.SharedStateMissingException("shared file gone"));

        ackAll(coordinator, id);

        assertThat(listener.failures).extracting(RecordingListener.Failure::reason)
                .containsExactly(CheckpointFailureReason.SHARED_STATE_MISSING);
        assertThat(gateway.aborted).as("the subtasks drop their reuse base").containsExactly(id);
        assertThat(coordinator.consecutiveFailures()).isZero();

        long next = triggerPeriodic(coordinator);
        ackAll(coordinator, next);
        assertThat(store.checkpointIds()).containsExactly(next);
    }

    @Test
    void triggerFailureAbortsAndCounts() {
        CheckpointCoordinator coordinator = coordinator();
        gateway.failTriggers(true);
        long id = triggerPeriodic(coordinator);

        assertThat(coordinator.pendingCheckpointId()).isEmpty();
        assertThat(listener.failures).extracting(RecordingListener.Failure::reason)
                .containsExactly(CheckpointFailureReason.TRIGGER_FAILURE);
        assertThat(store.discarded()).containsExactly(id);
        assertThat(coordinator.consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void reportsToleranceExceededOnceAfterTolerablePlusOneFailuresAndResetsOnSuccess() {
        CheckpointCoordinator coordinator = coordinator();
        for (int i = 0; i < TOLERABLE; i++) {
            coordinator.decline(triggerPeriodic(coordinator), SRC_0, "no");
        }
        assertThat(listener.exceeded).isEmpty();

        coordinator.decline(triggerPeriodic(coordinator), SRC_0, "no");
        coordinator.decline(triggerPeriodic(coordinator), SRC_0, "still no");
        assertThat(listener.exceeded).singleElement().satisfies(e -> {
            assertThat(e.consecutiveFailures()).isEqualTo(TOLERABLE + 1);
            assertThat(e.lastReason()).contains("DECLINED");
        });

        ackAll(coordinator, triggerPeriodic(coordinator));
        assertThat(coordinator.consecutiveFailures()).isZero();

        for (int i = 0; i < TOLERABLE; i++) {
            coordinator.decline(triggerPeriodic(coordinator), SRC_0, "no");
        }
        assertThat(listener.exceeded).hasSize(1);
        coordinator.decline(triggerPeriodic(coordinator), SRC_0, "no");
        assertThat(listener.exceeded).hasSize(2);
    }

    /** What the Checkpointing condition shows: the run's length, its duration and its latest cause. */
    @Test
    void failureRunNamesTheLatestCountedFailureUntilACheckpointCompletes() {
        CheckpointCoordinator coordinator = coordinator();
        assertThat(coordinator.failureRun()).isEqualTo(CheckpointCoordinator.FailureRun.NONE);
        coordinator.decline(triggerPeriodic(coordinator), SRC_0, "no");
        coordinator.decline(triggerPeriodic(coordinator), SRC_0, "still no");
        CheckpointCoordinator.FailureRun run = coordinator.failureRun();
        assertThat(run.consecutive()).isEqualTo(2);
        assertThat(run.lastFailure()).startsWith("DECLINED: ").contains("still no");

        ackAll(coordinator, triggerPeriodic(coordinator));
        assertThat(coordinator.failureRun()).isEqualTo(CheckpointCoordinator.FailureRun.NONE);
    }

    /**
     * With a time budget the job rides out a storage outage however many checkpoints fail in it (a
     * 0.8 s blip at 200 ms intervals is four failures): it fails over only once the failures have also
     * lasted the budget, from the trigger of the first, and a completed checkpoint starts it anew.
     */
    @Test
    void failuresAreToleratedForTheTolerableTimeHoweverManyFail() {
        long tolerableMs = 10_000;
        CheckpointCoordinator coordinator = coordinator(new CheckpointConfig(INTERVAL, TIMEOUT, 0,
                CheckpointingMode.EXACTLY_ONCE, RETAINED, TOLERABLE, 0, tolerableMs, false, 0), 1, direct);
        long firstTrigger = 0;
        for (int i = 0; i < 9; i++) {
            long id = triggerPeriodic(coordinator);
            firstTrigger = i == 0 ? clock.millis() : firstTrigger;
            coordinator.decline(id, SRC_0, "state upload failed: connection refused");
        }
        assertThat(coordinator.consecutiveFailures()).isEqualTo(9).isGreaterThan(TOLERABLE);
        assertThat(clock.millis() - firstTrigger).isLessThan(tolerableMs);
        assertThat(listener.exceeded).as("failing for 8 s of the 10 s tolerated").isEmpty();

        ackAll(coordinator, triggerPeriodic(coordinator));
        for (int i = 0; i < 10; i++) {
            coordinator.decline(triggerPeriodic(coordinator), SRC_0, "no");
        }
        assertThat(listener.exceeded).as("the completed checkpoint started the time anew: 9 s").isEmpty();

        coordinator.decline(triggerPeriodic(coordinator), SRC_0, "still no");
        assertThat(listener.exceeded).singleElement().satisfies(e -> {
            assertThat(e.consecutiveFailures()).isEqualTo(11);
            assertThat(e.failingForMs()).isEqualTo(tolerableMs);
            assertThat(e.lastReason()).contains("DECLINED").contains("still no");
        });
    }

    @Test
    void aTimeBudgetDoesNotLiftTheCount() {
        CheckpointCoordinator coordinator = coordinator(new CheckpointConfig(INTERVAL, 60_000, 0,
                CheckpointingMode.EXACTLY_ONCE, RETAINED, TOLERABLE, 0, 1_000, false, 0), 1, direct);
        long first = triggerPeriodic(coordinator);
        clock.advance(30_000);
        coordinator.decline(first, SRC_0, "slow");
        assertThat(listener.exceeded).as("past the time, within the count").isEmpty();
        for (int i = 0; i < TOLERABLE; i++) {
            coordinator.decline(triggerPeriodic(coordinator), SRC_0, "no");
        }
        assertThat(listener.exceeded).hasSize(1);
    }

    @Test
    void failoverAbortDoesNotCountTowardsTolerance() {
        CheckpointCoordinator coordinator = coordinator();
        for (int i = 0; i < TOLERABLE + 3; i++) {
            long id = triggerPeriodic(coordinator);
            coordinator.abortPending(CheckpointFailureReason.JOB_FAILOVER, "worker 1 lost");
            assertThat(gateway.aborted).endsWith(id);
        }
        assertThat(coordinator.consecutiveFailures()).isZero();
        assertThat(coordinator.failedCount()).isEqualTo(TOLERABLE + 3);
        assertThat(listener.exceeded).isEmpty();
        assertThat(listener.failures).extracting(RecordingListener.Failure::reason)
                .containsOnly(CheckpointFailureReason.JOB_FAILOVER);
    }

    @Test
    void explicitRequestWhilePendingIsQueuedAndStartsRightAfter() throws Exception {
        CheckpointCoordinator coordinator = coordinator();
        long periodic = triggerPeriodic(coordinator);

        CompletableFuture<CompletedCheckpointStats> savepoint = coordinator.triggerCheckpoint(CheckpointType.SAVEPOINT);
        assertThat(savepoint).isNotDone();
        assertThat(gateway.triggers).hasSize(1);

        ackAll(coordinator, periodic);
        assertThat(gateway.triggers).hasSize(2);
        RecordingGateway.Trigger trigger = gateway.lastTrigger();
        assertThat(trigger.type()).isEqualTo(CheckpointType.SAVEPOINT);
        assertThat(trigger.checkpointId()).isEqualTo(periodic + 1);

        ackAll(coordinator, trigger.checkpointId());
        CompletedCheckpointStats stats = savepoint.get();
        assertThat(stats.checkpointId()).isEqualTo(periodic + 1);
        assertThat(stats.type()).isEqualTo(CheckpointType.SAVEPOINT);
        assertThat(stats.location()).isEqualTo("mem://job/savepoints/sp-" + (periodic + 1));
    }

    @Test
    void explicitRequestIgnoresIntervalAndMinPauseAndSavepointIsNotRetained() {
        CheckpointCoordinator coordinator = coordinator();
        ackAll(coordinator, triggerPeriodic(coordinator));
        assertThat(store.retainCalls()).hasSize(1);

        CompletableFuture<CompletedCheckpointStats> savepoint = coordinator.triggerCheckpoint(CheckpointType.SAVEPOINT);
        assertThat(gateway.triggers).hasSize(2);
        long id = gateway.lastTrigger().checkpointId();
        ackAll(coordinator, id);

        assertThat(savepoint).isCompleted();
        assertThat(store.savepointIds()).containsExactly(id);
        assertThat(store.retainCalls()).hasSize(1);
    }

    @Test
    void aSavepointTheJobGoesOnAfterCommitsNothingButTheOneItStopsAtAndCheckpointsDo() {
        CheckpointCoordinator coordinator = coordinator();
        long checkpoint = triggerPeriodic(coordinator);
        ackAll(coordinator, checkpoint);

        CompletableFuture<CompletedCheckpointStats> intermediate = coordinator.triggerCheckpoint(CheckpointType.SAVEPOINT);
        long savepoint = gateway.lastTrigger().checkpointId();
        ackAll(coordinator, savepoint);
        assertThat(intermediate).isCompleted();
        assertThat(store.savepointIds()).containsExactly(savepoint);
        assertThat(listener.completed).extracting(CompletedCheckpointStats::checkpointId).containsExactly(checkpoint, savepoint);
        assertThat(gateway.completed).as("the tasks learn only of completions that commit").containsExactly(checkpoint);

        // Queued behind a pending checkpoint, a stop savepoint keeps its kind.
        long next = triggerPeriodic(coordinator);
        CompletableFuture<CompletedCheckpointStats> stop = coordinator.triggerStopSavepoint();
        ackAll(coordinator, next);
        long stopAt = gateway.lastTrigger().checkpointId();
        assertThat(gateway.lastTrigger().type()).isEqualTo(CheckpointType.SAVEPOINT);
        ackAll(coordinator, stopAt);
        assertThat(stop).isCompleted();
        assertThat(gateway.completed).containsExactly(checkpoint, next, stopAt);
    }

    @Test
    void explicitRequestFailsWhenItsCheckpointIsAborted() {
        CheckpointCoordinator coordinator = coordinator();
        CompletableFuture<CompletedCheckpointStats> result = coordinator.triggerCheckpoint(CheckpointType.CHECKPOINT);
        coordinator.decline(gateway.lastTrigger().checkpointId(), SRC_1, "source closed");

        assertThatThrownBy(result::get)
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(CheckpointException.class,
                        e -> assertThat(e.reason()).isEqualTo(CheckpointFailureReason.DECLINED));
    }

    @Test
    void ignoresLateAckForAbortedCheckpoint() {
        CheckpointCoordinator coordinator = coordinator();
        long timedOut = triggerPeriodic(coordinator);
        clock.advance(TIMEOUT);
        coordinator.tick();
        long next = triggerPeriodic(coordinator);

        ackAll(coordinator, timedOut);
        assertThat(store.metadataWrites()).isEmpty();
        assertThat(coordinator.pendingCheckpointId()).hasValue(next);

        ackAll(coordinator, next);
        assertThat(store.metadataWrites()).containsExactly(next);
        assertThat(gateway.completed).containsExactly(next);
    }

    @Test
    void idsStartAtGivenNextIdAndOnlyGrow() {
        CheckpointCoordinator coordinator = coordinator(CONFIG, 42, direct);
        long first = triggerPeriodic(coordinator);
        coordinator.decline(first, SRC_0, "no");
        long second = triggerPeriodic(coordinator);
        ackAll(coordinator, second);
        coordinator.triggerCheckpoint(CheckpointType.SAVEPOINT);
        long third = gateway.lastTrigger().checkpointId();

        assertThat(List.of(first, second, third)).containsExactly(42L, 43L, 44L);
    }

    @Test
    void shutdownAbortsPendingWithoutCountingStopsTriggeringAndIsIdempotent() {
        CheckpointCoordinator coordinator = coordinator();
        long id = triggerPeriodic(coordinator);
        CompletableFuture<CompletedCheckpointStats> queued = coordinator.triggerCheckpoint(CheckpointType.SAVEPOINT);

        coordinator.shutdown();
        coordinator.shutdown();

        assertThat(gateway.aborted).containsExactly(id);
        assertThat(listener.failures).extracting(RecordingListener.Failure::reason)
                .containsExactly(CheckpointFailureReason.COORDINATOR_SHUTDOWN);
        assertThat(coordinator.consecutiveFailures()).isZero();
        assertThat(queued).isCompletedExceptionally();

        clock.advance(10 * INTERVAL);
        coordinator.tick();
        ackAll(coordinator, id);
        assertThat(gateway.triggers).hasSize(1);
        assertThat(store.metadataWrites()).isEmpty();
        assertThat(coordinator.triggerCheckpoint(CheckpointType.SAVEPOINT)).isCompletedExceptionally();
    }

    @Test
    void failoverDuringMetadataWriteKeepsFilesAndDoesNotNotifyComplete() {
        ManualExecutor io = new ManualExecutor();
        CheckpointCoordinator coordinator = coordinator(CONFIG, 1, io);
        long id = triggerPeriodic(coordinator);
        ackAll(coordinator, id);
        assertThat(coordinator.pendingCheckpointId()).hasValue(id);

        coordinator.abortPending(CheckpointFailureReason.JOB_FAILOVER, "worker lost");
        io.runAll();

        assertThat(store.metadataWrites()).containsExactly(id);
        assertThat(store.discarded()).isEmpty();
        assertThat(gateway.aborted).containsExactly(id);
        assertThat(gateway.completed).isEmpty();
        assertThat(coordinator.completedCount()).isZero();
    }

    @Test
    void timeoutDuringMetadataWriteDoesNotDiscard() {
        ManualExecutor io = new ManualExecutor();
        CheckpointCoordinator coordinator = coordinator(CONFIG, 1, io);
        long id = triggerPeriodic(coordinator);
        ackAll(coordinator, id);
        clock.advance(TIMEOUT);
        coordinator.tick();
        io.runAll();

        assertThat(listener.failures).extracting(RecordingListener.Failure::reason)
                .containsExactly(CheckpointFailureReason.TIMEOUT);
        assertThat(store.discarded()).isEmpty();
        assertThat(gateway.completed).isEmpty();
    }

    // ---- the stall guard: no acknowledgement for stallTimeoutMs aborts a checkpoint ----

    private static final long STALL = 2_000;
    private static final long LONG_TIMEOUT = 60_000;
    private static final CheckpointConfig GUARDED =
            new CheckpointConfig(INTERVAL, LONG_TIMEOUT, 0, CheckpointingMode.EXACTLY_ONCE, RETAINED, TOLERABLE, STALL);

    @Test
    void checkpointWithoutAcksForTheStallTimeoutIsAbortedAsStalledAndTheNextTriggeredAtOnce() {
        CheckpointCoordinator coordinator = coordinator(GUARDED, 1, direct);
        long id = triggerPeriodic(coordinator);
        clock.advance(300);
        coordinator.acknowledge(ack(id, SRC_0));
        coordinator.acknowledge(ack(id, SRC_1));
        clock.advance(STALL - 1);
        coordinator.tick();
        assertThat(coordinator.pendingCheckpointId()).as("measured from the latest ack").hasValue(id);

        clock.advance(1);
        coordinator.tick();

        assertThat(listener.failures).containsExactly(new RecordingListener.Failure(id, CheckpointFailureReason.STALLED,
                "no acknowledgement for 2000 ms (2/4 acks; waiting for count#0, count#1)"));
        assertThat(gateway.aborted).containsExactly(id);
        assertThat(gateway.lastTrigger()).as("not an interval later: now")
                .isEqualTo(new RecordingGateway.Trigger(id + 1, clock.millis(), CheckpointType.CHECKPOINT));
        assertThat(store.discarded()).containsExactly(id);
        assertThat(coordinator.failedCount()).isEqualTo(1);
        assertThat(coordinator.consecutiveFailures()).as("a retry, not counted towards the tolerance").isZero();
    }

    @Test
    void checkpointWithoutAnyAckIsStalledFromItsTrigger() {
        CheckpointCoordinator coordinator = coordinator(GUARDED, 1, direct);
        long id = triggerPeriodic(coordinator);
        clock.advance(STALL);
        coordinator.tick();

        assertThat(listener.failures).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(CheckpointFailureReason.STALLED);
            assertThat(f.message()).contains("0/4 acks; waiting for count#0, count#1, source#0, source#1");
        });
        assertThat(coordinator.pendingCheckpointId()).hasValue(id + 1);
    }

    @Test
    void checkpointWhoseAcksKeepComingIsNotStalledHoweverLongItTakes() {
        CheckpointCoordinator coordinator = coordinator(GUARDED, 1, direct);
        long id = triggerPeriodic(coordinator);
        for (ExecutionVertexId v : List.of(SRC_0, SRC_1, AGG_0, AGG_1)) {
            clock.advance(STALL - 1);
            coordinator.tick();
            coordinator.acknowledge(ack(id, v));
        }

        assertThat(listener.failures).isEmpty();
        assertThat(coordinator.completedCount()).isEqualTo(1);
    }

    /**
     * Barriers that crawl behind backpressured data show as silence too. Each consecutive stall doubles
     * the next checkpoint's limit (2, 4, 8, 16, 32 s, then the 60 s timeout), so a checkpoint that needs
     * 40 s between two acks completes after five stalls instead of being aborted forever.
     */
    @Test
    void consecutiveStallsDoubleTheLimitUpToTheTimeoutSoASlowCheckpointStillCompletes() {
        CheckpointCoordinator coordinator = coordinator(GUARDED, 1, direct);
        long id = triggerPeriodic(coordinator);
        for (long limit = STALL; limit < LONG_TIMEOUT; limit *= 2) {
            clock.advance(limit - 1);
            coordinator.tick();
            assertThat(coordinator.pendingCheckpointId()).as("limit %d ms", limit).hasValue(id);
            clock.advance(1);
            coordinator.tick();
            assertThat(coordinator.pendingCheckpointId()).as("stalled at %d ms", limit).hasValue(++id);
        }
        assertThat(listener.failures).hasSize(5).allMatch(f -> f.reason() == CheckpointFailureReason.STALLED);

        clock.advance(40_000);
        coordinator.tick();
        ackAll(coordinator, id);
        assertThat(coordinator.completedCount()).as("only the timeout judged the sixth").isEqualTo(1);

        long next = triggerPeriodic(coordinator);
        clock.advance(STALL);
        coordinator.tick();
        assertThat(listener.failures.get(listener.failures.size() - 1))
                .as("a completed checkpoint resets the limit").isEqualTo(new RecordingListener.Failure(next,
                        CheckpointFailureReason.STALLED, "no acknowledgement for 2000 ms (0/4 acks; waiting for count#0,"
                                + " count#1, source#0, source#1)"));
    }

    @Test
    void aStalledCheckpointThatNeverCompletesStillEndsInCountedTimeouts() {
        CheckpointCoordinator coordinator = coordinator(
                new CheckpointConfig(INTERVAL, 10_000, 0, CheckpointingMode.EXACTLY_ONCE, RETAINED, 0, STALL), 1, direct);
        triggerPeriodic(coordinator);
        for (long limit : List.of(2_000L, 4_000L, 8_000L)) {
            clock.advance(limit);
            coordinator.tick();
        }
        assertThat(listener.exceeded).isEmpty();

        clock.advance(10_000);
        coordinator.tick();
        assertThat(listener.failures).extracting(RecordingListener.Failure::reason).containsExactly(
                CheckpointFailureReason.STALLED, CheckpointFailureReason.STALLED, CheckpointFailureReason.STALLED,
                CheckpointFailureReason.TIMEOUT);
        assertThat(listener.exceeded).as("tolerance 0: the job fails over").hasSize(1);
    }

    @Test
    void savepointsAndCheckpointsWritingTheirMetadataAreNotJudgedAsStalled() {
        ManualExecutor io = new ManualExecutor();
        CheckpointCoordinator coordinator = coordinator(GUARDED, 1, io);
        coordinator.triggerCheckpoint(CheckpointType.SAVEPOINT);
        clock.advance(10 * STALL);
        coordinator.tick();
        assertThat(coordinator.pendingCheckpointId()).as("the user asked for this one").hasValue(1);
        ackAll(coordinator, 1);
        io.runAll();

        long id = triggerPeriodic(coordinator);
        ackAll(coordinator, id);
        clock.advance(10 * STALL);
        coordinator.tick();
        io.runAll();
        assertThat(listener.failures).isEmpty();
        assertThat(listener.completed).extracting(CompletedCheckpointStats::checkpointId).containsExactly(1L, id);
    }

    @Test
    void stallTimeoutZeroLeavesOnlyTheTimeout() {
        CheckpointCoordinator coordinator = coordinator(
                new CheckpointConfig(INTERVAL, LONG_TIMEOUT, 0, CheckpointingMode.EXACTLY_ONCE, RETAINED, TOLERABLE, 0),
                1, direct);
        long id = triggerPeriodic(coordinator);
        clock.advance(LONG_TIMEOUT - 1);
        coordinator.tick();
        assertThat(coordinator.pendingCheckpointId()).hasValue(id);
        clock.advance(1);
        coordinator.tick();
        assertThat(listener.failures).extracting(RecordingListener.Failure::reason)
                .containsExactly(CheckpointFailureReason.TIMEOUT);
    }

    /** Holds submitted I/O tasks until the test runs them, to observe a write in flight. */
    private static final class ManualExecutor implements Executor {
        private final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            List<Runnable> batch;
            synchronized (this) {
                batch = new ArrayList<>(tasks);
                tasks.clear();
            }
            batch.forEach(Runnable::run);
        }
    }
}
