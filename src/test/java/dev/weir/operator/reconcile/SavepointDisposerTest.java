package dev.weir.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.api.CheckpointInfo;
import dev.weir.api.SavepointInfo;
import dev.weir.api.SavepointTriggerType;
import dev.weir.api.StreamJob;
import dev.weir.operator.runtime.StorageAccess;
import dev.weir.runtime.storage.S3Settings;

class SavepointDisposerTest {

    private static final String BASE = "s3://weir/weir/jobs/counts/savepoints/sp-";

    private final StorageAccess storage = new StorageAccess(
            new S3Settings("http://minio:9000", "weir", "us-east-1", true, "access", "secret", ""), "weir/jobs/counts");
    private final StreamJob job = new StreamJob();

    SavepointDisposerTest() {
        job.getStatus().setSavepointHistory(new java.util.ArrayList<>(List.of(entry(9), entry(5), entry(2))));
        job.getStatus().setLastSavepoint(new CheckpointInfo(9, BASE + "9", "t", 1, 1));
    }

    private static SavepointInfo entry(long id) {
        return new SavepointInfo(new CheckpointInfo(id, BASE + id, "t", 1, 1), SavepointTriggerType.MANUAL, id);
    }

    private String refusal(String path) {
        return SavepointDisposer.judge(job, storage, path).refusal();
    }

    @Test
    void anOlderSavepointOfThisJobInItsStorageMayGo() {
        SavepointDisposer.Verdict verdict = SavepointDisposer.judge(job, storage, BASE + "5");
        assertThat(verdict.refusal()).isNull();
        assertThat(verdict.savepoint().getId()).isEqualTo(5);
    }

    @Test
    void refusesWhatTheJobRunsFromOrWouldRestoreFrom() {
        job.getStatus().setRestoredFrom(BASE + "5");
        job.getSpec().setInitialSavepointPath(BASE + "2");
        assertThat(refusal(BASE + "9")).contains("latest savepoint");
        assertThat(refusal(BASE + "5")).contains("restored from it");
        assertThat(refusal(BASE + "2")).contains("spec.initialSavepointPath");
    }

    @Test
    void refusesWhatIsNotThisJobsOrNotInItsCurrentStorage() {
        assertThat(refusal("s3://weir/weir/jobs/other/savepoints/sp-5")).contains("not in status.savepointHistory");
        job.getStatus().getSavepointHistory().add(new SavepointInfo(
                new CheckpointInfo(1, "s3://old-bucket/weir/jobs/counts/savepoints/sp-1", "t", 1, 1),
                SavepointTriggerType.MANUAL, 1L));
        assertThat(refusal("s3://old-bucket/weir/jobs/counts/savepoints/sp-1"))
                .contains("not in the job's current storage (s3://weir/weir/jobs/counts)");
        assertThat(SavepointDisposer.judge(job, null, BASE + "5").refusal()).contains("storage settings are invalid");
    }
}
