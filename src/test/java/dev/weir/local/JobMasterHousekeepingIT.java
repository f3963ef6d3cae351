package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.runtime.storage.ObjectStore;

/**
 * A finished job leaves exactly its retained checkpoints: {@link JobMaster#run} returns only after
 * the retention queued by its last checkpoints has run, even on a store whose deletes are slow, so
 * the caller may stop its storage (weir local stops its embedded S3 server) right after.
 */
class JobMasterHousekeepingIT {

    @TempDir
    Path dir;

    @Test
    void runReturnsAfterTheLastRetentionOnASlowStore() throws Exception {
        Path root = dir.resolve("store");
        ObjectStore store = new SlowDeletes(new LocalObjectStore(root), 150);
        JobMaster.Settings settings = new JobMaster.Settings("housekeeping", 2, 128,
                new CheckpointConfig(30, 10_000, 0, CheckpointingMode.EXACTLY_ONCE, 1, 3),
                new RestartStrategy.Settings(20, 200, 2.0, 0, 60_000));
        try (CheckpointStorage storage = new CheckpointStorage(store, "weir/default/housekeeping")) {
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification("housekeeping",
                    "dev.weir.examples.KeyedCountJob", new JobArgs(Map.of("records", "200000", "keys", "100",
                    "rate", "400000", "output", "discard")), 2, 128, CheckpointingMode.EXACTLY_ONCE);
            JobResult result = new JobMaster(settings, storage, new InProcessDeployer(job, storage, new JobMetrics()),
                    Clock.system(), new JobMasterListener() {}).run(null);

            assertThat(result.state()).isEqualTo(JobResult.JobState.FINISHED);
            assertThat(result.checkpointsCompleted()).as("enough checkpoints for retention to delete some").isGreaterThan(2);
            assertThat(checkpointDirectories(root.resolve("weir/default/housekeeping/checkpoints")))
                    .as("checkpoint directories left when run() returned (retained: 1)").hasSize(1);
        }
    }

    private static List<Path> checkpointDirectories(Path checkpoints) throws IOException {
        try (Stream<Path> entries = Files.list(checkpoints)) {
            return entries.filter(p -> {
                try (Stream<Path> files = Files.walk(p)) {
                    return files.anyMatch(Files::isRegularFile);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    /** A store whose deletes take a while, like a remote one under load. */
    private record SlowDeletes(ObjectStore delegate, long delayMs) implements ObjectStore {
        @Override
        public void put(String key, byte[] data) throws IOException {
            delegate.put(key, data);
        }

        @Override
        public byte[] get(String key) throws IOException {
            return delegate.get(key);
        }

        @Override
        public byte[] getRange(String key, long offset, int length) throws IOException {
            return delegate.getRange(key, offset, length);
        }

        @Override
        public boolean exists(String key) throws IOException {
            return delegate.exists(key);
        }

        @Override
        public long size(String key) throws IOException {
            return delegate.size(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return delegate.list(prefix);
        }

        @Override
        public void delete(String key) throws IOException {
            pause();
            delegate.delete(key);
        }

        @Override
        public void deleteAll(String prefix) throws IOException {
            pause();
            delegate.deleteAll(prefix);
        }

        @Override
        public String describe() {
            return "slow deletes over " + delegate.describe();
        }

        private void pause() throws IOException {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
