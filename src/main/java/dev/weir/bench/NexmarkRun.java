package dev.weir.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobDeployer;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.examples.nexmark.DigestResult;
import dev.weir.examples.nexmark.NexmarkJob;
import dev.weir.local.InProcessDeployer;
import dev.weir.local.WorkerClassDataArchive;
import dev.weir.local.WorkerProcessDeployer;
import dev.weir.local.WorkerStorage;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.runtime.worker.WorkerJvm;

/**
 * One run of a Nexmark query ({@link NexmarkJob}) under a job master: worker processes (the deployed
 * shape) or tasks in this process, checkpoints to a local directory, the digest committed below
 * {@code dir}. Timed like the Flink peer: from submission to the job's end.
 */
public final class NexmarkRun {

    public enum Mode { WORKERS, IN_PROCESS }

    public static final List<String> DEFAULT_WORKER_JVM_OPTIONS = java.util.stream.Stream.concat(
            java.util.stream.Stream.of("-Xmx2g"), WorkerJvm.GC_OPTIONS.stream()).toList();

    public record Settings(String query, long events, int parallelism, long checkpointIntervalMs, Mode mode,
                           long virtualRate, List<String> workerJvmOptions, boolean classDataArchive,
                           boolean incremental) {

        /** Workers as deployed: {@code weir local}'s default heap and the workers' collector ({@link WorkerJvm#GC_OPTIONS}). */
        public static Settings of(String query, long events, int parallelism, Mode mode) {
            return new Settings(query, events, parallelism, 1000, mode, 10_000, DEFAULT_WORKER_JVM_OPTIONS, false, false);
        }

        public Settings withCheckpointInterval(long intervalMs) {
            return new Settings(query, events, parallelism, intervalMs, mode, virtualRate, workerJvmOptions,
                    classDataArchive, incremental);
        }

        public Settings withWorkers(List<String> jvmOptions, boolean classData) {
            return new Settings(query, events, parallelism, checkpointIntervalMs, mode, virtualRate, jvmOptions,
                    classData, incremental);
        }

        public Settings withVirtualRate(long rate) {
            return new Settings(query, events, parallelism, checkpointIntervalMs, mode, rate, workerJvmOptions,
                    classDataArchive, incremental);
        }

        /** Heap keyed state with incremental checkpoints ({@code spec.stateBackend.incremental}) or full ones. */
        public Settings withIncremental(boolean on) {
            return new Settings(query, events, parallelism, checkpointIntervalMs, mode, virtualRate, workerJvmOptions,
                    classDataArchive, on);
        }
    }

    /**
     * {@code seconds} from submission to the job's end: the final checkpoint committed every row and
     * every task finished (with worker processes, their start included); {@code netSeconds} from
     * the moment every task ran to the same end; {@code stopSeconds} from that end until the worker
     * processes had exited, which is not the job's time (Flink's peer, too, stops its clock at the
     * job's result, not when its task managers stop).
     */
    public record Outcome(JobResult result, double seconds, double netSeconds, double stopSeconds,
                          DigestResult digest, Map<String, Object> checkpointTimings) {}

    private NexmarkRun() {}

    /** Runs the query to its end; state, logs and the digest go below {@code dir}. */
    public static Outcome run(Settings settings, Path dir) throws Exception {
        String name = "nexmark-" + settings.query();
        String base = "bench/default/" + name;
        Path output = dir.resolve("digest");
        Map<String, String> args = Map.of("query", settings.query(), "events", Long.toString(settings.events()),
                "virtualRate", Long.toString(settings.virtualRate()), "output", output.toString());
        try (CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("store")), base);
             CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification(name,
                    NexmarkJob.class.getName(), new JobArgs(args), settings.parallelism(), 128,
                    CheckpointingMode.EXACTLY_ONCE)
                    .withStateBackend(settings.incremental() ? StateBackendSettings.HEAP_INCREMENTAL : StateBackendSettings.HEAP);
            JobMetrics metrics = new JobMetrics();
            JobDeployer deployer = settings.mode() == Mode.IN_PROCESS ? new InProcessDeployer(job, storage, metrics)
                    : new WorkerProcessDeployer(job, new WorkerStorage(dir.resolve("store").toString(), base, null),
                            server, WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                                    .withJavaOptions(settings.workerJvmOptions())
                                    .withClassDataArchive(settings.classDataArchive()
                                            ? WorkerClassDataArchive.defaultDirectory() : null), metrics);
            CheckpointConfig checkpoint = new CheckpointConfig(settings.checkpointIntervalMs(), 60_000, 0,
                    CheckpointingMode.EXACTLY_ONCE, 3, 3);
            CheckpointStatsRecorder timings = new CheckpointStatsRecorder();
            JobMaster master = new JobMaster(new JobMaster.Settings(name, settings.parallelism(), 128, checkpoint,
                    new RestartStrategy.Settings(1000, 1000, 1, 0, 60_000)), storage, deployer, Clock.system(), timings);
            long t0 = System.nanoTime();
            JobResult result = master.run(null);
            long returned = System.nanoTime();
            JobEnd end = JobEnd.of(t0, returned, timings.deployedAt.get(), result);
            Map<String, Object> checkpointTimings = new java.util.LinkedHashMap<>();
            timings.addTo(checkpointTimings);
            return new Outcome(result, end.seconds(), end.netSeconds(), end.stopSeconds(),
                    DigestResult.read(output).orElse(null), checkpointTimings);
        }
    }
}
