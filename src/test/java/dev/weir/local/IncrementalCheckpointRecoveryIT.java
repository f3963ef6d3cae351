package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.SharedKeys;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.CompletedCheckpointRef;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.CommittedFiles;
import dev.weir.testing.GatedSource;
import dev.weir.testing.JobCounters;
import dev.weir.testing.KeyedCountVerifier;

/**
 * Exactly-once with incremental checkpoints, of keyed state in RocksDB (SST files shared between
 * checkpoints) and on the heap (chains of snapshots of what changed), in worker processes:
 * SIGKILLs at random moments while only one checkpoint is retained (so retention deletes shared
 * files all the time), the halt between "checkpoint complete" and the sink's commit, and a restore
 * at another parallelism from an incremental checkpoint whose earlier checkpoints, which uploaded
 * most of its files, were retained away. An independent reader checks the committed output.
 */
class IncrementalCheckpointRecoveryIT {

    enum Backend {
        ROCKSDB, HEAP;

        StateBackendSettings settings(Path dir) {
            return this == ROCKSDB ? new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, true, dir.resolve("rocksdb"))
                    : StateBackendSettings.HEAP_INCREMENTAL;
        }
    }

    private static final long RECORDS = 200_000;
    private static final long KEYS = 20_000;
    private static final String BASE = "weir/test/rocks";

    @TempDir
    Path dir;

    private InProcessDeployer.JobSpecification job(Backend backend, String name, int parallelism,
                                                   Map<String, String> extra) {
        Map<String, String> args = new java.util.HashMap<>(Map.of("records", Long.toString(RECORDS),
                "keys", Long.toString(KEYS), "rate", Long.toString(30_000 / parallelism),
                "output", dir.resolve("out").toString()));
        args.putAll(extra);
        return new InProcessDeployer.JobSpecification(name, "dev.weir.testing.ChaosKeyedCountJob", new JobArgs(args),
                parallelism, 128, CheckpointingMode.EXACTLY_ONCE)
                .withStateBackend(backend.settings(dir));
    }

    private WorkerProcessDeployer deployer(InProcessDeployer.JobSpecification job, CoordinatorServer server, String logs) {
        return new WorkerProcessDeployer(job, new WorkerStorage(dir.resolve("checkpoints").toString(), BASE, null),
                server, WorkerProcessDeployer.Settings.defaults(dir.resolve(logs))
                        .withJavaOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")),
                new JobMetrics());
    }

    private static CompletableFuture<JobResult> start(JobMaster master, RestoreTarget restore) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return master.run(restore);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void sigkilledWorkersWithIncrementalCheckpointsRecoverWithExactlyOnceOutput(Backend backend) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), BASE);
        InProcessDeployer.JobSpecification job = job(backend, "rocks", 2,
                Map.of("haltBeforeCommitWorker", "1", "haltBeforeCommitAttempt", "2"));
        JobCounters counters = new JobCounters();
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            WorkerProcessDeployer deployer = deployer(job, server, "logs");
            JobMaster master = new JobMaster(new JobMaster.Settings("rocks", 2, 128,
                    new CheckpointConfig(200, 30_000, 0, CheckpointingMode.EXACTLY_ONCE, 1, 5),
                    new RestartStrategy.Settings(50, 500, 2.0, 20, 600_000)),
                    storage, deployer, Clock.system(), counters);
            CompletableFuture<JobResult> result = start(master, null);

            // attempt 1: killed after its first checkpoints; attempt 2 halts before a commit
            awaitCompleted(counters.completed, 2, result);
            kill(deployer, random.nextInt(2), counters.attempts, result);
            awaitAttempt(counters.attempts, 3, result);
            int randomKills = 0;
            for (int i = 0; i < 2 && !result.isDone(); i++) {
                awaitCompleted(counters.completed, counters.completed.get() + 2 + random.nextInt(3), result);
                Thread.sleep(random.nextInt(150));
                if (!result.isDone() && kill(deployer, random.nextInt(2), counters.attempts, result)) {
                    randomKills++;
                }
            }
            JobResult end = result.get(240, TimeUnit.SECONDS);
            assertThat(end.state()).as("seed %d: %s", seed, end.failure()).isEqualTo(JobResult.JobState.FINISHED);
            assertThat(end.restarts()).as("seed %d", seed).isEqualTo(2 + randomKills);
        }
        assertThat(Files.readString(dir.resolve("logs/attempt-2/worker-1.log")))
                .contains("halting worker before committing checkpoint");
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(dir.resolve("out")), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as("seed %d: %s", seed, report).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
        assertRetainedCheckpointIsWholeAndNoFileLeaks(storage);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void restoresAtAnotherParallelismFromAnIncrementalCheckpointWhoseEarlierCheckpointsWereRetainedAway(Backend backend)
            throws Exception {
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("checkpoints")), BASE);
        // 1 s apart: a heap chain is cut every tenth checkpoint once the sources hold, so the strike below
        // (after a checkpoint that inherits files) must come before the next checkpoint; at 200 ms a loaded
        // machine sometimes let one more, cut, checkpoint complete first.
        CheckpointConfig oneRetained = new CheckpointConfig(1_000, 30_000, 0, CheckpointingMode.EXACTLY_ONCE, 1, 5);
        Path gate = dir.resolve("gate");
        Map<String, String> gated = Map.of("gate", gate.toString(), "holdAfter", "60000");
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // Run 1, parallelism 2: several checkpoints, then a worker dies and no restart is allowed.
            // Each source holds after 60 000 of its records until the gate opens: the job cannot end first.
            InProcessDeployer.JobSpecification first = job(backend, "rocks", 2, gated);
            JobCounters counters = new JobCounters();
            WorkerProcessDeployer deployer = deployer(first, server, "logs-1");
            JobMaster master = new JobMaster(new JobMaster.Settings("rocks", 2, 128, oneRetained,
                    new RestartStrategy.Settings(50, 500, 2.0, 0, 600_000)), storage, deployer, Clock.system(), counters);
            CompletableFuture<JobResult> result = start(master, null);
            awaitCompleted(counters.completed, 8, result);
            // A heap chain is cut now and then (written whole again): strike when the latest is not.
            for (int i = 0; i < 40 && !inheritsFiles(storage) && !result.isDone(); i++) {
                awaitCompleted(counters.completed, counters.completed.get() + 1, result);
            }
            assertThat(result.isDone()).as("the job must still run when it is struck").isFalse();
            kill(deployer, 0, counters.attempts, result);
            assertThat(result.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobResult.JobState.FAILED);
        }
        CompletedCheckpointRef latest = storage.findLatestCompleted().orElseThrow();
        assertThat(storage.completedCheckpointIds()).containsExactly(latest.id());
        Map<String, Long> inheritedFiles = new java.util.HashMap<>(sharedFiles(latest.metadata()));
        inheritedFiles.values().removeIf(createdIn -> createdIn >= latest.id());
        assertThat(inheritedFiles).as("the latest checkpoint refers to files earlier, deleted checkpoints uploaded")
                .isNotEmpty();
        for (Map.Entry<String, Long> f : inheritedFiles.entrySet()) {
            assertThat(storage.store().exists(f.getKey())).as(f.getKey()).isTrue();
            assertThat(storage.store().list(BASE + "/checkpoints/chk-" + f.getValue() + "/"))
                    .as("checkpoint %d, which uploaded %s, is gone", f.getValue(), f.getKey()).isEmpty();
        }

        // Run 2, parallelism 3: restores the key groups of two databases into three and finishes.
        GatedSource.open(gate);
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InProcessDeployer.JobSpecification second = job(backend, "rocks", 3, gated);
            JobCounters counters = new JobCounters();
            WorkerProcessDeployer deployer = deployer(second, server, "logs-2");
            JobMaster master = new JobMaster(new JobMaster.Settings("rocks", 3, 128, oneRetained,
                    new RestartStrategy.Settings(50, 500, 2.0, 3, 600_000)), storage, deployer, Clock.system(), counters);
            JobResult end = start(master, new RestoreTarget(latest.location(), latest.metadata())).get(240, TimeUnit.SECONDS);
            assertThat(end.state()).as(String.valueOf(end.failure())).isEqualTo(JobResult.JobState.FINISHED);
            assertThat(end.restoredFrom()).isEqualTo(latest.location());
        }
        KeyedCountVerifier.Report report = KeyedCountVerifier.verify(CommittedFiles.lines(dir.resolve("out")), RECORDS, KEYS);
        assertThat(report.isExactlyOnce()).as(report.toString()).isTrue();
        assertThat(report.lines()).isEqualTo(RECORDS);
        assertRetainedCheckpointIsWholeAndNoFileLeaks(storage);
    }

    /**
     * Every shared file the retained checkpoint refers to exists, and every other shared file was
     * uploaded by a checkpoint newer than it (one that did not complete before the job ended).
     */
    private static void assertRetainedCheckpointIsWholeAndNoFileLeaks(CheckpointStorage storage) throws Exception {
        CompletedCheckpointRef latest = storage.findLatestCompleted().orElseThrow();
        Set<String> referenced = new HashSet<>();
        for (String key : sharedFiles(latest.metadata()).keySet()) {
            assertThat(storage.store().exists(key)).as(key).isTrue();
            referenced.add(key);
        }
        assertThat(referenced).isNotEmpty();
        String prefix = storage.basePath() + "/shared/";
        for (String key : storage.store().list(prefix)) {
            if (!referenced.contains(key)) {
                long createdIn = Long.parseLong(key.substring(prefix.length(), key.indexOf('-', prefix.length())));
                assertThat(createdIn).as("%s is referred to by no retained checkpoint", key).isGreaterThan(latest.id());
            }
        }
    }

    /** Key → the checkpoint that uploaded it, of every shared file a checkpoint refers to. */
    private static Map<String, Long> sharedFiles(CheckpointMetadata metadata) {
        Map<String, Long> files = new java.util.HashMap<>();
        for (OperatorSubtaskState state : metadata.operators().values().stream().flatMap(List::stream).toList()) {
            if (state.incremental() != null) {
                for (SharedFile f : state.incremental().sharedFiles()) {
                    files.put(f.key(), f.createdIn());
                }
            }
            if (state.changelog() != null) {
                for (List<StateHandle> chain : state.changelog().values()) {
                    for (StateHandle h : chain) {
                        files.put(h.key(), SharedKeys.createdIn(h.key()));
                    }
                }
            }
        }
        return files;
    }

    /** Whether the latest completed checkpoint refers to a shared file an earlier one uploaded. */
    private static boolean inheritsFiles(CheckpointStorage storage) throws Exception {
        CompletedCheckpointRef latest = storage.findLatestCompleted().orElse(null);
        return latest != null && sharedFiles(latest.metadata()).values().stream().anyMatch(c -> c < latest.id());
    }

    private static void awaitCompleted(AtomicLong completed, long target, CompletableFuture<?> result)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (completed.get() < target && !result.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    private static void awaitAttempt(AtomicLong attempts, long attempt, CompletableFuture<?> result)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (attempts.get() < attempt && !result.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** SIGKILLs a worker of the running attempt once all of its workers run; false if the job ended first. */
    private static boolean kill(WorkerProcessDeployer deployer, int worker, AtomicLong attempts,
                                CompletableFuture<?> result) throws InterruptedException {
        long attempt = attempts.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((deployer.currentWorkers().size() <= worker
                || deployer.currentWorkers().stream().anyMatch(p -> !p.isAlive())) && !result.isDone()
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (result.isDone()) {
            return false;
        }
        deployer.currentWorkers().get(worker).destroyForcibly();
        awaitAttempt(attempts, attempt + 1, result);
        return true;
    }

}
