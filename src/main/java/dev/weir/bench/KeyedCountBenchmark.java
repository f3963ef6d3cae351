package dev.weir.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.JobDeployer;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.local.InProcessDeployer;
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
 * keyed-count (or, with {@code --workload windowed-count}, its event-time twin) with its output discarded, timed like the Flink peer ({@code ../shared/bench/flink-peer}):
 * {@code seconds} runs from job submission to the job's end ({@link JobEnd}), checkpoints go to a fresh local
 * directory, and the last stdout line is one JSON object in the peer's format.
 */
public final class KeyedCountBenchmark {

    private static final String USAGE = "usage: keyed-count [--records N] [--keys K] [--parallelism P]"
            + " [--checkpointing true|false] [--interval-ms MS] [--mode workers|in-process] [--worker-jvm-option OPT]..."
            + " [--class-data-archive true|false] [--state-backend heap|rocksdb] [--incremental true|false]"
            + " [--kill-after-checkpoints N] [--heartbeat-timeout-ms MS] [--gc parallel|g1|zgc] [--sink-rate R] [--unaligned true|false] [--aligned-timeout-ms MS] [--tls-dir DIR]"
            + " [--workload keyed-count|windowed-count] [--window-ms MS] [--disorder-ms MS]";

    private KeyedCountBenchmark() {}

    public static void main(String[] args) throws Exception {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        long records = 20_000_000;
        long keys = 100_000;
        int parallelism = 2;
        boolean checkpointing = true;
        long intervalMs = 1000;
        String mode = "workers";
        boolean classData = true;
        List<String> workerJvmOptions = new java.util.ArrayList<>(List.of("-Xmx2g"));
        List<String> gcOptions = WorkerJvm.GC_OPTIONS;
        String gc = "default";
        long sinkRate = 0;
        boolean unaligned = false;
        long alignedTimeoutMs = 0;
        String backend = "heap";
        Boolean incremental = null;
        int killAfterCheckpoints = 0;
        long heartbeatTimeoutMs = dev.weir.api.RestartPolicySpec.DEFAULT_HEARTBEAT_TIMEOUT_MS;
        Path tlsDir = null;
        String workload = "keyed-count";
        long windowMs = 10_000;
        long disorderMs = 50;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[++i].replace("_", ""));
                case "--keys" -> keys = Long.parseLong(args[++i].replace("_", ""));
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--checkpointing" -> checkpointing = Boolean.parseBoolean(args[++i]);
                case "--interval-ms" -> intervalMs = Long.parseLong(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--worker-jvm-option" -> workerJvmOptions.add(args[++i]); // e.g. a JFR recording
                case "--class-data-archive" -> classData = Boolean.parseBoolean(args[++i]);
                case "--state-backend" -> backend = args[++i];
                case "--incremental" -> incremental = Boolean.parseBoolean(args[++i]);
                case "--kill-after-checkpoints" -> killAfterCheckpoints = Integer.parseInt(args[++i]);
                // a worker's full GC on an overloaded machine can outlast the default 5 s
                case "--gc" -> {
                    gc = args[++i];
                    gcOptions = workerGcOptions(gc);
                }
                // records/s per sink subtask: a slow sink that back-pressures the job (0: unlimited)
                case "--sink-rate" -> sinkRate = Long.parseLong(args[++i].replace("_", ""));
                case "--unaligned" -> unaligned = Boolean.parseBoolean(args[++i]);
                case "--aligned-timeout-ms" -> alignedTimeoutMs = Long.parseLong(args[++i]);
                case "--heartbeat-timeout-ms" -> heartbeatTimeoutMs = Long.parseLong(args[++i]);
                case "--tls-dir" -> tlsDir = Path.of(args[++i]); // mutual TLS on both planes (tls.crt, tls.key, ca.crt)
                case "--workload" -> workload = args[++i]; // keyed-count or windowed-count
                case "--window-ms" -> windowMs = Long.parseLong(args[++i]);
                case "--disorder-ms" -> disorderMs = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("unknown argument: " + args[i]
                            + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        if (!workload.equals("keyed-count") && !workload.equals("windowed-count")) {
            System.err.println("--workload must be keyed-count or windowed-count");
            System.exit(2);
        }
        if (!mode.equals("workers") && !mode.equals("in-process")) {
            System.err.println("--mode must be workers or in-process");
            System.exit(2);
        }
        if (!backend.equals("heap") && !backend.equals("rocksdb")) {
            System.err.println("--state-backend must be heap or rocksdb");
            System.exit(2);
        }
        boolean rocksDb = backend.equals("rocksdb");
        boolean incrementalCheckpoints = incremental != null ? incremental : rocksDb;
        if (killAfterCheckpoints > 0 && (!mode.equals("workers") || !checkpointing)) {
            System.err.println("--kill-after-checkpoints needs --mode workers and checkpointing");
            System.exit(2);
        }
        workerJvmOptions.addAll(0, gcOptions);
        Path dir = Files.createTempDirectory("weir-bench-checkpoints");
        StateBackendSettings stateBackend = rocksDb
                ? new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, incrementalCheckpoints, dir.resolve("rocksdb"))
                : incrementalCheckpoints ? StateBackendSettings.HEAP_INCREMENTAL : StateBackendSettings.HEAP;
        String base = "bench/default/keyed-count";
        try (CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("store")), base);
             CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     dev.weir.runtime.worker.transport.ControlServerLimits.coordinator(),
                     tlsDir == null ? null : dev.weir.runtime.tls.TransportTls.fromDirectory(tlsDir))) {
            JobMetrics metrics = new JobMetrics();
            Map<String, String> jobArgs = new java.util.HashMap<>(Map.of("records", Long.toString(records),
                    "keys", Long.toString(keys), "output", "discard"));
            boolean windowed = workload.equals("windowed-count");
            if (windowed) {
                jobArgs.put("windowMs", Long.toString(windowMs));
                jobArgs.put("disorderMs", Long.toString(disorderMs));
            } else {
                jobArgs.put("sinkRate", Long.toString(sinkRate));
            }
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification(workload,
                    windowed ? "dev.weir.examples.WindowedCountJob" : "dev.weir.examples.KeyedCountJob",
                    new JobArgs(jobArgs), parallelism, 128,
                    CheckpointingMode.EXACTLY_ONCE).withStateBackend(stateBackend);
            CheckpointConfig aligned = new CheckpointConfig(checkpointing ? intervalMs : 0, 60_000, 0,
                    CheckpointingMode.EXACTLY_ONCE, 3, 3);
            CheckpointConfig checkpoint = unaligned ? aligned.withUnaligned(alignedTimeoutMs) : aligned;
            JobDeployer deployer = mode.equals("in-process") ? new InProcessDeployer(job, storage, metrics)
                    : new WorkerProcessDeployer(job, new WorkerStorage(dir.resolve("store").toString(), base, null), server,
                            WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                                    .withJavaOptions(workerJvmOptions)
                                    .withHeartbeats(java.time.Duration.ofSeconds(1), java.time.Duration.ofMillis(heartbeatTimeoutMs))
                                    .withClassDataArchive(classData
                                            ? dev.weir.local.WorkerClassDataArchive.defaultDirectory() : null), metrics);
            CheckpointStatsRecorder timings = new CheckpointStatsRecorder();
            java.util.concurrent.atomic.AtomicLong deployedAt = timings.deployedAt;
            // One restart, after 100 ms, when a worker is killed on purpose; none otherwise.
            JobMaster master = new JobMaster(new JobMaster.Settings("keyed-count", parallelism, 128, checkpoint,
                    new RestartStrategy.Settings(100, 100, 1, killAfterCheckpoints > 0 ? 1 : 0, 60_000)), storage,
                    deployer, Clock.system(), timings);
            long t0 = System.nanoTime();
            JobResult result;
            if (killAfterCheckpoints > 0) {
                java.util.concurrent.CompletableFuture<JobResult> run = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> {
                            try {
                                return master.run(null);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                if (timings.awaitCompleted(killAfterCheckpoints, 600_000) && !run.isDone()) {
                    // SIGKILL: the time to "processing resumed" covers detection, the new workers' start and the restore
                    timings.killed();
                    ((WorkerProcessDeployer) deployer).currentWorkers().get(0).destroyForcibly();
                }
                result = run.get();
            } else {
                result = master.run(null);
            }
            JobEnd end = JobEnd.of(t0, System.nanoTime(), deployedAt.get(), result);
            double seconds = end.seconds();
            if (result.state() != JobResult.JobState.FINISHED) {
                System.err.println("job " + result.state() + ": " + result.failure());
                System.exit(1);
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("system", "weir");
            line.put("version", "0.1.0");
            line.put("workload", workload);
            if (windowed) {
                line.put("window_ms", windowMs);
                line.put("disorder_ms", disorderMs);
            }
            line.put("mode", mode);
            line.put("records", records);
            line.put("keys", keys);
            line.put("parallelism", parallelism);
            line.put("checkpointing", checkpointing);
            line.put("seconds", Math.round(seconds * 1000) / 1000.0);
            line.put("records_per_s", Math.round(records / seconds));
            double net = end.netSeconds();
            line.put("job_net_runtime_s", Math.round(net * 1000) / 1000.0);
            line.put("net_records_per_s", Math.round(records / net));
            line.put("deploy_s", Math.round((seconds - net) * 1000) / 1000.0);
            line.put("stop_s", Math.round(end.stopSeconds() * 1000) / 1000.0);
            line.put("checkpoints_completed", result.checkpointsCompleted());
            line.put("checkpoints_failed", result.checkpointsFailed());
            line.put("sink_records", metrics.sinkRecords());
            line.put("interval_ms", checkpointing ? intervalMs : 0);
            timings.addTo(line);
            line.put("worker_class_data_archive", mode.equals("workers") && classData);
            line.put("state_backend", backend);
            line.put("incremental", incrementalCheckpoints);
            line.put("restarts", result.restarts());
            line.put("heartbeat_timeout_ms", heartbeatTimeoutMs);
            line.put("sink_rate_per_subtask", sinkRate);
            line.put("unaligned", unaligned);
            line.put("aligned_timeout_ms", alignedTimeoutMs);
            line.put("worker_gc", gc.equals("default") ? String.join(" ", gcOptions) : gc);
            line.put("worker_jvm_options", String.join(" ", workerJvmOptions));
            line.put("tls", tlsDir != null);
            line.put("jvm", System.getProperty("java.vm.version"));
            System.out.println(new ObjectMapper().writeValueAsString(line));
            line.put("load_avg_1m", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            if (!windowed && metrics.sinkRecords() != records) {
                System.err.println("WARNING: sink saw " + metrics.sinkRecords() + " records, expected " + records);
            }
        } finally {
            BenchDirectories.deleteRecursively(dir);
        }
        System.exit(0);
    }

    /** The workers' collector for {@code --gc}, to compare against the default ({@link WorkerJvm#GC_OPTIONS}). */
    private static List<String> workerGcOptions(String gc) {
        return switch (gc) {
            case "parallel" -> List.of("-XX:+UseParallelGC");
            case "g1" -> List.of("-XX:+UseG1GC");
            case "zgc" -> List.of("-XX:+UseZGC");
            default -> throw new IllegalArgumentException("--gc must be parallel, g1 or zgc, not " + gc);
        };
    }
}
