package dev.weir.operator;

import static dev.weir.operator.OperatorTestEnv.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.api.Condition;
import dev.weir.api.SavepointInfo;
import dev.weir.api.SavepointTriggerType;
import dev.weir.api.StreamJob;
import dev.weir.operator.runtime.CheckpointHealth;

/**
 * What status says of savepoints and checkpoints: the savepoint history with trigger types, disposal
 * through spec.savepoints.dispose (and what it refuses), the Checkpointing condition and the
 * observedGeneration of every condition; reconciled against the mock API server with a fake runtime.
 */
class SavepointStatusTest {

    private static final String BASE = "s3://weir/weir/jobs/counts/savepoints/sp-";

    private final OperatorTestEnv env = new OperatorTestEnv();
    private final JobKey key = new JobKey(NAMESPACE, "counts");

    @AfterEach
    void close() {
        env.close();
    }

    private static Condition condition(StreamJob job, String type) {
        return job.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
    }

    private StreamJob running() {
        env.createCredentials();
        env.create(OperatorTestEnv.job("counts", 2));
        return env.deployAndRun("counts");
    }

    private StreamJob savepointByNonce(long nonce) {
        env.editSpec("counts", j -> j.getSpec().setSavepointNonce(nonce));
        return env.reconcile("counts");
    }

    @Test
    void historyKeepsManualUpgradeAndSuspendSavepointsNewestFirst() {
        running();
        savepointByNonce(1);
        StreamJob job = savepointByNonce(2);
        assertThat(job.getStatus().getSavepointHistory()).extracting(SavepointInfo::getId, SavepointInfo::getTriggerType,
                SavepointInfo::getTriggerNonce).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(101L, SavepointTriggerType.MANUAL, 2L),
                        org.assertj.core.groups.Tuple.tuple(100L, SavepointTriggerType.MANUAL, 1L));
        assertThat(job.getStatus().getSavepointHistory().get(0).getPath()).isEqualTo(BASE + "101");
        assertThat(env.reconcile("counts").getStatus().getSavepointHistory()).as("a reconcile adds nothing").hasSize(2);

        env.editSpec("counts", j -> j.getSpec().getJob().getArgs().put("keys", "50"));
        job = env.reconcile("counts");
        assertThat(job.getStatus().getSavepointHistory().get(0).getTriggerType()).isEqualTo(SavepointTriggerType.UPGRADE);
        assertThat(job.getStatus().getSavepointHistory().get(0).getTriggerNonce()).isNull();
        env.runPods("counts");
        env.runtime.registerAll(key);
        env.reconcile("counts");

        env.editSpec("counts", j -> j.getSpec().setState("suspended"));
        job = env.reconcile("counts");
        assertThat(job.getStatus().getSavepointHistory()).extracting(SavepointInfo::getTriggerType).containsExactly(
                SavepointTriggerType.SUSPEND, SavepointTriggerType.UPGRADE, SavepointTriggerType.MANUAL,
                SavepointTriggerType.MANUAL);
        assertThat(job.getStatus().getSavepointHistory().get(0).getPath())
                .isEqualTo(job.getStatus().getLastSavepoint().getPath());
    }

    @Test
    void historyKeepsAtMostHistoryMaxCountEntries() {
        running();
        env.editSpec("counts", j -> j.getSpec().getSavepoints().setHistoryMaxCount(2));
        env.reconcile("counts");
        for (long nonce = 1; nonce <= 4; nonce++) {
            savepointByNonce(nonce);
        }
        assertThat(env.get("counts").getStatus().getSavepointHistory()).extracting(SavepointInfo::getId)
                .containsExactly(103L, 102L);
        assertThat(env.runtime.disposedSavepoints).as("leaving the history deletes nothing").isEmpty();
        assertThat(env.get("counts").getStatus().getAttempt()).as("spec.savepoints redeploys nothing").isEqualTo(1);
    }

    @Test
    void disposesOfAnOlderSavepointAndMarksItInTheHistory() {
        running();
        savepointByNonce(1);
        savepointByNonce(2);

        env.editSpec("counts", j -> j.getSpec().getSavepoints().setDispose(List.of(BASE + "100")));
        StreamJob job = env.reconcile("counts");
        assertThat(env.runtime.disposedSavepoints).containsExactly(100L);
        SavepointInfo disposed = job.getStatus().getSavepointHistory().get(1);
        assertThat(disposed.getDisposedTime()).isEqualTo(java.time.Instant.ofEpochMilli(env.now).toString());
        assertThat(job.getStatus().getSavepointHistory().get(0).getDisposedTime()).isNull();
        assertThat(condition(job, Condition.SAVEPOINT_DISPOSAL).getStatus()).isEqualTo(Condition.TRUE);
        assertThat(condition(job, Condition.SAVEPOINT_DISPOSAL).getReason()).isEqualTo("Disposed");
        assertThat(events("SavepointDisposed")).singleElement().asString().contains(BASE + "100");

        env.reconcile("counts");
        assertThat(env.runtime.disposedSavepoints).as("disposed of once").containsExactly(100L);

        env.editSpec("counts", j -> j.getSpec().getSavepoints().setDispose(List.of()));
        assertThat(condition(env.reconcile("counts"), Condition.SAVEPOINT_DISPOSAL)).isNull();
    }

    @Test
    void refusesTheLatestSavepointAndOnesNotInTheHistoryThenDisposesOnceSafe() {
        running();
        savepointByNonce(1);
        String unknown = "s3://weir/weir/jobs/other/savepoints/sp-3";

        env.editSpec("counts", j -> j.getSpec().getSavepoints().setDispose(List.of(BASE + "100", unknown)));
        StreamJob job = env.reconcile("counts");
        Condition refused = condition(job, Condition.SAVEPOINT_DISPOSAL);
        assertThat(refused.getStatus()).isEqualTo(Condition.FALSE);
        assertThat(refused.getReason()).isEqualTo("DisposalRefused");
        assertThat(refused.getMessage()).contains(BASE + "100: it is the latest savepoint")
                .contains(unknown + ": not in status.savepointHistory");
        assertThat(env.runtime.disposedSavepoints).isEmpty();
        assertThat(events("DisposalRefused")).singleElement().asString().contains("latest savepoint");

        env.editSpec("counts", j -> j.getSpec().getSavepoints().setDispose(List.of(BASE + "100")));
        savepointByNonce(2);
        // Judged against the status the reconcile started from: the next one sees sp-101 as the latest.
        env.reconcile("counts");
        assertThat(env.runtime.disposedSavepoints).as("no longer the latest").containsExactly(100L);
        assertThat(condition(env.get("counts"), Condition.SAVEPOINT_DISPOSAL).getReason()).isEqualTo("Disposed");
    }

    @Test
    void refusesTheSavepointTheAttemptRestoredFrom() {
        running();
        savepointByNonce(1);
        env.editSpec("counts", j -> j.getSpec().setState("suspended"));
        env.reconcile("counts");
        env.editSpec("counts", j -> j.getSpec().setState("running"));
        StreamJob job = env.reconcile("counts");
        assertThat(job.getStatus().getRestoredFrom()).isEqualTo(BASE + "101");
        env.runPods("counts");
        env.runtime.registerAll(key);
        env.reconcile("counts");
        savepointByNonce(2);

        env.editSpec("counts", j -> j.getSpec().getSavepoints().setDispose(List.of(BASE + "101")));
        job = env.reconcile("counts");
        assertThat(condition(job, Condition.SAVEPOINT_DISPOSAL).getMessage())
                .contains(BASE + "101: the current attempt restored from it");
        assertThat(env.runtime.disposedSavepoints).isEmpty();
    }

    @Test
    void aFailedDeletionIsReportedAndTriedAgain() {
        running();
        savepointByNonce(1);
        savepointByNonce(2);
        env.runtime.failNextDisposal = new java.io.IOException("connection refused");

        env.editSpec("counts", j -> j.getSpec().getSavepoints().setDispose(List.of(BASE + "100")));
        StreamJob job = env.reconcile("counts");
        assertThat(condition(job, Condition.SAVEPOINT_DISPOSAL).getReason()).isEqualTo("DisposalFailed");
        assertThat(condition(job, Condition.SAVEPOINT_DISPOSAL).getMessage()).contains("connection refused");
        assertThat(job.getStatus().getSavepointHistory().get(1).getDisposedTime()).isNull();

        job = env.reconcile("counts");
        assertThat(env.runtime.disposedSavepoints).containsExactly(100L);
        assertThat(job.getStatus().getSavepointHistory().get(1).getDisposedTime()).isNotNull();
    }

    @Test
    void checkpointingConditionFollowsTheCoordinatorsFailureRun() {
        StreamJob job = running();
        assertThat(condition(job, Condition.CHECKPOINTING).getStatus()).isEqualTo(Condition.UNKNOWN);
        assertThat(condition(job, Condition.CHECKPOINTING).getReason()).isEqualTo("AwaitingFirstCheckpoint");

        env.runtime.completeCheckpoint(key, 3, env.now);
        job = env.reconcile("counts");
        assertThat(condition(job, Condition.CHECKPOINTING).getStatus()).isEqualTo(Condition.TRUE);
        assertThat(condition(job, Condition.CHECKPOINTING).getReason()).isEqualTo("CheckpointCompleted");

        env.runtime.checkpointHealth(key, new CheckpointHealth(1, 3, 2_500, "TIMEOUT: not completed within 1000 ms"));
        job = env.reconcile("counts");
        Condition failing = condition(job, Condition.CHECKPOINTING);
        assertThat(failing.getStatus()).isEqualTo(Condition.FALSE);
        assertThat(failing.getReason()).isEqualTo("CheckpointsFailing");
        assertThat(failing.getMessage()).contains("3 consecutive checkpoints failed over 2500 ms")
                .contains("TIMEOUT: not completed within 1000 ms");
        assertThat(events("CheckpointsFailing")).hasSize(1);

        env.runtime.checkpointHealth(key, new CheckpointHealth(1, 0, 0, null));
        env.runtime.completeCheckpoint(key, 4, env.now);
        job = env.reconcile("counts");
        assertThat(condition(job, Condition.CHECKPOINTING).getStatus()).isEqualTo(Condition.TRUE);
        assertThat(events("CheckpointCompleted")).as("recovery is an event too").hasSize(1);
    }

    @Test
    void everyConditionCarriesTheGenerationItWasJudgedAt() {
        running();
        env.editSpec("counts", j -> j.getSpec().getSavepoints().setDispose(List.of(BASE + "7")));
        StreamJob job = env.reconcile("counts");
        long generation = job.getMetadata().getGeneration();
        assertThat(job.getStatus().getConditions()).extracting(Condition::getType)
                .contains(Condition.READY, Condition.CHECKPOINTING, Condition.SAVEPOINT_DISPOSAL);
        assertThat(job.getStatus().getConditions()).allSatisfy(c ->
                assertThat(c.getObservedGeneration()).as(c.getType()).isEqualTo(generation));
        assertThat(job.getStatus().getObservedGeneration()).isEqualTo(generation);
    }

    private List<String> events(String reason) {
        return env.client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).map(io.fabric8.kubernetes.api.model.Event::getMessage)
                .toList();
    }
}
