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
import dev.weir.coordinator.JobMasterListener;
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
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;

/**
 * keyed-count (or, with {@code --workload windowed-count}, its event-time twin) with its output discarded, timed like the Flink peer ({@code ../shared/bench/flink-peer}):
 * {@code seconds} runs from job submission to the job's end, checkpoints go to a fresh local
 * directory, and the last stdout line is one JSON object in the peer's format.
 */
public final class KeyedCountBenchmark {

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
        String workload = "keyed-count";
        long windowMs = 10_000;
        long disorderMs = 50;
        List<String> workerJvmOptions = new java.util.ArrayList<>(List.of("-Xmx2g", "-XX:+UseParallelGC"));
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
                case "--workload" -> workload = args[++i];
                case "--window-ms" -> windowMs = Long.parseLong(args[++i]);
                case "--disorder-ms" -> disorderMs = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("unknown argument: " + args[i]
                            + "\nusage: keyed-count [--records N] [--keys K] [--parallelism P] [--checkpointing true|false] [--interval-ms MS] [--mode workers|in-process] [--worker-jvm-option OPT]... [--class-data-archive true|false] [--workload keyed-count|windowed-count] [--window-ms W] [--disorder-ms D]");
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
        Path dir = Files.createTempDirectory("weir-bench-checkpoints");
        String base = "bench/default/keyed-count";
        try (CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir.resolve("store")), base);
             CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            JobMetrics metrics = new JobMetrics();
            Map<String, String> jobArgs = new java.util.HashMap<>(Map.of("records", Long.toString(records),
                    "keys", Long.toString(keys), "output", "discard"));
            boolean windowed = workload.equals("windowed-count");
            if (windowed) {
                jobArgs.put("windowMs", Long.toString(windowMs));
                jobArgs.put("disorderMs", Long.toString(disorderMs));
            }
            InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification(workload,
                    windowed ? "dev.weir.examples.WindowedCountJob" : "dev.weir.examples.KeyedCountJob",
                    new JobArgs(jobArgs), parallelism, 128,
                    CheckpointingMode.EXACTLY_ONCE);
            CheckpointConfig checkpoint = new CheckpointConfig(checkpointing ? intervalMs : 0, 60_000, 0,
                    CheckpointingMode.EXACTLY_ONCE, 3, 3);
            JobDeployer deployer = mode.equals("in-process") ? new InProcessDeployer(job, storage, metrics)
                    : new WorkerProcessDeployer(job, new WorkerStorage(dir.resolve("store").toString(), base, null), server,
                            WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                                    .withJavaOptions(workerJvmOptions)
                                    .withClassDataArchive(classData
                                            ? dev.weir.local.WorkerClassDataArchive.defaultDirectory() : null), metrics);
            CheckpointTimingTotals timings = new CheckpointTimingTotals();
            java.util.concurrent.atomic.AtomicLong deployedAt = timings.deployedAt;
            JobMaster master = new JobMaster(new JobMaster.Settings("keyed-count", parallelism, 128, checkpoint,
                    new RestartStrategy.Settings(1000, 1000, 1, 0, 60_000)), storage,
                    deployer, Clock.system(), timings);
            long t0 = System.nanoTime();
            JobResult result = master.run(null);
            double seconds = (System.nanoTime() - t0) / 1e9;
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
            double net = (System.nanoTime() - deployedAt.get()) / 1e9 - (System.nanoTime() - t0) / 1e9 + seconds;
            line.put("job_net_runtime_s", Math.round(net * 1000) / 1000.0);
            line.put("net_records_per_s", Math.round(records / net));
            line.put("deploy_s", Math.round((seconds - net) * 1000) / 1000.0);
            line.put("checkpoints_completed", result.checkpointsCompleted());
            line.put("checkpoints_failed", result.checkpointsFailed());
            line.put("sink_records", metrics.sinkRecords());
            line.put("interval_ms", checkpointing ? intervalMs : 0);
            timings.addTo(line);
            line.put("worker_class_data_archive", mode.equals("workers") && classData);
            line.put("state_backend", "heap");
            line.put("jvm", System.getProperty("java.vm.version"));
            System.out.println(new ObjectMapper().writeValueAsString(line));
            line.put("load_avg_1m", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            if (!windowed && metrics.sinkRecords() != records) {
                System.err.println("WARNING: sink saw " + metrics.sinkRecords() + " records, expected " + records);
            }
        } finally {
            deleteRecursively(dir);
        }
        System.exit(0);
    }

    /** Per completed checkpoint, averaged: the slowest subtask's start delay, alignment, sync and async time. */
    private static final class CheckpointTimingTotals implements JobMasterListener {
        private final java.util.concurrent.atomic.DoubleAdder delay = new java.util.concurrent.atomic.DoubleAdder();
        private final java.util.concurrent.atomic.DoubleAdder alignment = new java.util.concurrent.atomic.DoubleAdder();
        private final java.util.concurrent.atomic.DoubleAdder sync = new java.util.concurrent.atomic.DoubleAdder();
        private final java.util.concurrent.atomic.DoubleAdder async = new java.util.concurrent.atomic.DoubleAdder();
        private final java.util.concurrent.atomic.DoubleAdder duration = new java.util.concurrent.atomic.DoubleAdder();
        private final java.util.concurrent.atomic.LongAdder count = new java.util.concurrent.atomic.LongAdder();
        /**
         * When the tasks are deployed (every worker registered): the start of the job's net run time,
         * like Flink's, whose task managers are up before the job is submitted.
         */
        final java.util.concurrent.atomic.AtomicLong deployedAt = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void onRunning(dev.weir.runtime.exec.JobTopology topology, long firstCheckpointId) {
            deployedAt.compareAndSet(0, System.nanoTime());
        }

        @Override
        public void onCheckpointCompleted(dev.weir.coordinator.CompletedCheckpointStats stats) {
            delay.add(stats.timings().startDelayMsMax());
            alignment.add(stats.timings().alignmentMsMax());
            sync.add(stats.timings().syncMsMax());
            async.add(stats.timings().asyncMsMax());
            duration.add(stats.durationMs());
            count.increment();
        }

        void addTo(Map<String, Object> line) {
            long n = Math.max(1, count.sum());
            line.put("checkpoint_duration_ms_avg", round2(duration.sum() / n));
            line.put("checkpoint_start_delay_ms_avg", round2(delay.sum() / n));
            line.put("checkpoint_alignment_ms_avg", round2(alignment.sum() / n));
            line.put("checkpoint_sync_ms_avg", round2(sync.sum() / n));
            line.put("checkpoint_async_ms_avg", round2(async.sum() / n));
        }

        private static double round2(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
