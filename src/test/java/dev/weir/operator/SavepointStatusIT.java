package dev.weir.operator;

import static dev.weir.operator.OperatorEndToEndIT.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.api.Condition;
import dev.weir.api.JobPhase;
import dev.weir.api.SavepointInfo;
import dev.weir.api.SavepointTriggerType;
import dev.weir.api.StreamJob;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.testing.GatedSource;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Savepoints and checkpoints as status shows them, end to end: the operator with the real
 * coordinator runtime, real worker processes and S3Proxy. Two savepoints taken through the CR are in
 * the history; the older is disposed of (its files leave the store), the newer still restores; a
 * storage outage turns Checkpointing False with CheckpointsFailing and its end turns it True again.
 */
class SavepointStatusIT {

    private static final long KEYS = 300;

    @TempDir
    Path dir;

    @Test
    void savepointsFromTheCrAreKeptDisposedOfAndRestoredAndCheckpointingFollowsStorage() throws Exception {
        try (EndToEndFixture fixture = EndToEndFixture.withRestartableStorage(dir);
             OperatorInstance operator = OperatorInstance.start(fixture.env.client, loopback(0))) {
            StreamJob job = fixture.gatedKeyedCountJob("counts", 150_000, KEYS, 12_000, 50_000, dir.resolve("gate"),
                    dir.resolve("out"));
            // Failing checkpoints are to be seen here, not to fail the job over.
            job.getSpec().getCheckpointing().setTimeoutMs(3_000);
            job.getSpec().getCheckpointing().setTolerableFailures(1_000);
            job.getSpec().getCheckpointing().setTolerableFailureMs(600_000);
            fixture.env.create(job);
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Running
                    && Condition.TRUE.equals(checkpointing(fixture, "counts").getStatus()), Duration.ofSeconds(60));

            edit(fixture, "counts", j -> j.getSpec().setSavepointNonce(1));
            fixture.await("counts", () -> history(fixture, "counts").size() == 1, Duration.ofSeconds(30));
            edit(fixture, "counts", j -> j.getSpec().setSavepointNonce(2));
            fixture.await("counts", () -> history(fixture, "counts").size() == 2, Duration.ofSeconds(30));
            List<SavepointInfo> history = history(fixture, "counts");
            assertThat(history).extracting(SavepointInfo::getTriggerType)
                    .containsExactly(SavepointTriggerType.MANUAL, SavepointTriggerType.MANUAL);
            assertThat(history).extracting(SavepointInfo::getTriggerNonce).containsExactly(2L, 1L);
            SavepointInfo newer = history.get(0);
            SavepointInfo older = history.get(1);
            assertThat(newer.getId()).isGreaterThan(older.getId());
            assertThat(fixture.status("counts").getLastSavepoint().getPath()).isEqualTo(newer.getPath());
            assertThat(savepointFiles(fixture, older)).contains(key(older) + "/_metadata");

            edit(fixture, "counts", j -> j.getSpec().getSavepoints().setDispose(List.of(older.getPath(), newer.getPath())));
            fixture.await("counts", () -> history(fixture, "counts").get(1).getDisposedTime() != null,
                    Duration.ofSeconds(30));
            assertThat(savepointFiles(fixture, older)).as("the older savepoint's files").isEmpty();
            assertThat(savepointFiles(fixture, newer)).contains(key(newer) + "/_metadata");
            Condition disposal = condition(fixture, "counts", Condition.SAVEPOINT_DISPOSAL);
            assertThat(disposal.getReason()).isEqualTo("DisposalRefused");
            assertThat(disposal.getMessage()).contains(newer.getPath() + ": it is the latest savepoint");
            assertThat(fixture.events("counts", "SavepointDisposed")).singleElement().asString()
                    .contains(older.getPath());
            // A refused disposal stays requested and is carried out once it is safe: withdraw it.
            edit(fixture, "counts", j -> j.getSpec().getSavepoints().setDispose(List.of(older.getPath())));
            fixture.await("counts", () -> "Disposed".equals(condition(fixture, "counts",
                    Condition.SAVEPOINT_DISPOSAL).getReason()), Duration.ofSeconds(30));

            int port = fixture.s3.port();
            fixture.stopStorage();
            fixture.await("counts", () -> "CheckpointsFailing".equals(checkpointing(fixture, "counts").getReason()),
                    Duration.ofSeconds(30));
            assertThat(checkpointing(fixture, "counts").getStatus()).isEqualTo(Condition.FALSE);
            assertThat(fixture.status("counts").getPhase()).isEqualTo(JobPhase.Running);
            long before = fixture.status("counts").getLastCheckpoint().getId();
            fixture.restartStorage(port);
            fixture.await("counts", () -> Condition.TRUE.equals(checkpointing(fixture, "counts").getStatus())
                    && fixture.status("counts").getLastCheckpoint().getId() > before, Duration.ofSeconds(30));
            assertThat(fixture.status("counts").getAttempt()).as("no failover").isEqualTo(1);

            // The newer savepoint restores: a second job starts from it.
            edit(fixture, "counts", j -> j.getSpec().setState("suspended"));
            fixture.await("counts", () -> fixture.status("counts").getPhase() == JobPhase.Suspended,
                    Duration.ofSeconds(30));
            Path openGate = dir.resolve("gate-restored");
            GatedSource.open(openGate);
            // The same output directory: the savepoint's pending output files are committed where the
            // first job wrote them (a file sink's state names them relative to its directory).
            StreamJob restored = fixture.gatedKeyedCountJob("restored", 150_000, KEYS, 12_000, 50_000, openGate,
                    dir.resolve("out"));
            restored.getSpec().setInitialSavepointPath(newer.getPath());
            fixture.env.create(restored);
            fixture.await("restored", () -> fixture.status("restored").getPhase() == JobPhase.Running
                    && Condition.TRUE.equals(checkpointing(fixture, "restored").getStatus()), Duration.ofSeconds(60));
            assertThat(fixture.status("restored").getRestoredFrom()).isEqualTo(newer.getPath());
        }
    }

    private static List<SavepointInfo> history(EndToEndFixture fixture, String job) {
        return fixture.status(job).getSavepointHistory();
    }

    private static Condition checkpointing(EndToEndFixture fixture, String job) {
        return condition(fixture, job, Condition.CHECKPOINTING);
    }

    private static Condition condition(EndToEndFixture fixture, String job, String type) {
        return fixture.status(job).getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElse(new Condition());
    }

    /** The store key of a savepoint's directory: its path without {@code s3://weir/}. */
    private static String key(SavepointInfo savepoint) {
        return savepoint.getPath().substring("s3://weir/".length());
    }

    private static List<String> savepointFiles(EndToEndFixture fixture, SavepointInfo savepoint) throws Exception {
        try (S3ObjectStore store = new S3ObjectStore(fixture.s3.settings("weir"))) {
            return store.list(key(savepoint) + "/");
        }
    }

    /** As kubectl edit: the operator patches status meanwhile, so a conflicting update is tried again. */
    private static void edit(EndToEndFixture fixture, String name, Consumer<StreamJob> change) {
        for (int tries = 0; ; tries++) {
            StreamJob job = fixture.env.get(name);
            change.accept(job);
            job.getMetadata().setGeneration(job.getMetadata().getGeneration() + 1);
            try {
                fixture.env.client.resource(job).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || tries > 20) {
                    throw e;
                }
            }
        }
    }
}
