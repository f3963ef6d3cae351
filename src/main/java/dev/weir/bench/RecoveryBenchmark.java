package dev.weir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.coordinator.AttemptFailure;
import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.Heartbeats;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.local.WorkerHeap;
import dev.weir.local.WorkerProcessDeployer;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.state.StateBackendSettings;

/**
 * Recovery time in the deployed shape: keyed-count runs as P worker processes with the default
 * restart policy and heartbeat timeout (as {@code weir local} runs a StreamJob without settings,
 * class-data archive included); a worker is SIGKILLed after a few checkpoints, several times, and
 * each recovery is taken apart: from the kill to the attempt failed (detection), to the restart
 * decided, to the next attempt started (after the restart delay), to its worker processes started,
 * to every worker registered, and to records flowing again; and when the old attempt's surviving
 * worker was gone (the new workers learn their peers only after that). Workers send
 * heartbeats every 50 ms, which carry the record counts: "resumed" is seen at most 50 ms late.
 * One JSON line per kill, with the machine's load average.
 */
public final class RecoveryBenchmark {

    private static final Pattern STARTUP = Pattern.compile(
            "registered (\\d+) ms and started its tasks (\\d+) ms after (the process started|its assignment)");

    private RecoveryBenchmark() {}

    /**
     * usage: [--kills N] [--class-data-archive true|false] [--keys K] [--standby-workers N (default: weir local's)]
     * [--class-data-archive-dir DIR (default: an empty one of the run's own)] [--state-backend heap|rocksdb]
     * [--incremental true|false (default: true for rocksdb)] [--rate R (records/s per source subtask, default 500000)]
     * [--checkpoints N (completed before each kill, default 3; as the Flink peer's option)]
     * [--worker-heap SIZE (default: weir local's rule, {@link WorkerHeap})]
     */
    public static void main(String[] args) throws Exception {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        int parallelism = 2;
        Map<String, String> options = new LinkedHashMap<>(Map.of("kills", "5", "class-data-archive", "true",
                "keys", "100000", "state-backend", "heap", "rate", "500000", "checkpoints", "3", "standby-workers",
                Integer.toString(WorkerProcessDeployer.Settings.defaultStandbyWorkers(parallelism))));
        int first = 0;
        if (args.length % 2 == 1 && args[0].matches("\\d+")) {
            // bench/recovery's usage: the number of kills alone
            options.put("kills", args[0]);
            first = 1;
        }
        for (int i = first; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int kills = Integer.parseInt(options.get("kills"));
        int checkpointsBeforeKill = Integer.parseInt(options.get("checkpoints"));
        boolean classData = Boolean.parseBoolean(options.get("class-data-archive"));
        int standby = Integer.parseInt(options.get("standby-workers"));
        Path dir = Files.createTempDirectory("weir-bench-recovery");
        String backend = options.get("state-backend");
        boolean incremental = Boolean.parseBoolean(options.getOrDefault("incremental", Boolean.toString(backend.equals("rocksdb"))));
        StateBackendSettings stateBackend = switch (backend) {
            case "heap" -> incremental ? StateBackendSettings.HEAP_INCREMENTAL : StateBackendSettings.HEAP;
            case "rocksdb" -> new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, incremental, dir.resolve("rocksdb"));
            default -> throw new IllegalArgumentException("--state-backend must be heap or rocksdb, not " + backend);
        };
        JobMetrics metrics = new JobMetrics();
        Events events = new Events();
        Duration heartbeatInterval = Duration.ofMillis(50);
        WorkerProcessDeployer.Settings settings = WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                .withHeartbeats(heartbeatInterval, Heartbeats.defaults().timeout())
                .withStandbyWorkers(standby);
        if (options.containsKey("worker-heap")) {
            settings = settings.withHeap(WorkerHeap.options(options.get("worker-heap"), null));
        }
        if (classData) {
            // By default an archive of its own, recorded by the first attempt's worker 0, as weir local's default
            // one is the first time; the recording worker's exit then slows the first kill's recovery. Given
            // weir local's directory (WorkerClassDataArchive.defaultDirectory()), runs after the first find it.
            settings = settings.withClassDataArchive(options.containsKey("class-data-archive-dir")
                    ? Path.of(options.get("class-data-archive-dir")) : dir.resolve("cds"));
        }
        int exitCode = 0;
        try {
            try (WorkerProcessJob job = WorkerProcessJob.start("recovery", dir, Map.of("records", "1000000000",
                    "keys", options.get("keys"), "output", "discard", "rate", options.get("rate")), parallelism, stateBackend,
                    settings, metrics, events)) {
                WorkerProcessDeployer deployer = job.deployer;
                for (int k = 1; k <= kills; k++) {
                    awaitAtLeast(events.completed::get, events.completed.get() + checkpointsBeforeKill);
                    // A failure rarely follows the last so closely that the spares are not ready again.
                    awaitAtLeast(() -> readySpares(dir.resolve("logs")), standby);
                    long readyAtKill = readySpares(dir.resolve("logs"));
                    List<Long> spares = deployer.standbyWorkers().stream().map(ProcessHandle::pid).toList();
                    long attempt = events.attempt.get();
                    List<ProcessHandle> old = deployer.currentWorkers();
                    AtomicLong oldGoneAt = new AtomicLong();
                    CompletableFuture.allOf(old.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                            .thenRun(() -> oldGoneAt.set(System.nanoTime()));
                    double loadBefore = loadAverage();
                    long stateSizeAtKill = events.lastStateSize.get();
                    long killedAt = System.nanoTime();
                    old.get(1).destroyForcibly();
                    awaitAtLeast(events.attempt::get, attempt + 1);
                    while (deployer.currentWorkers().equals(old)) {
                        Thread.sleep(1);
                    }
                    long startedAt = System.nanoTime();
                    awaitAtLeast(events.runningAttempt::get, attempt + 1);
                    long before = metrics.sourceRecords();
                    awaitAtLeast(metrics::sourceRecords, before + 1);
                    long resumedAt = System.nanoTime();
                    awaitAtLeast(() -> events.tasksRunningAt.get() - killedAt > 0 ? 1 : 0, 1);
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("system", "weir");
                    line.put("benchmark", "recovery");
                    line.put("mode", "workers");
                    line.put("parallelism", parallelism);
                    line.put("keys", Long.parseLong(options.get("keys")));
                    line.put("state_backend", backend);
                    line.put("incremental", incremental);
                    line.put("rate", Long.parseLong(options.get("rate")));
                    line.put("class_data_archive", classData);
                    line.put("class_data_archive_dir", options.getOrDefault("class-data-archive-dir", "(the run's own)"));
                    line.put("standby_workers", standby);
                    line.put("standby_ready_at_kill", readyAtKill);
                    line.put("workers_from_standby", deployer.currentWorkers().stream()
                            .filter(w -> spares.contains(w.pid())).count());
                    line.put("kill", k);
                    line.put("checkpoints_before_kill", checkpointsBeforeKill);
                    line.put("state_size_at_kill", stateSizeAtKill);
                    line.put("cause", events.cause.get());
                    line.put("kill_to_failed_ms", ms(killedAt, events.failedAt.get()));
                    line.put("kill_to_restart_decided_ms", ms(killedAt, events.restartingAt.get()));
                    line.put("restart_delay_ms", events.restartDelayMs.get());
                    line.put("kill_to_restart_ms", ms(killedAt, events.attemptStartedAt.get()));
                    line.put("kill_to_workers_started_ms", ms(killedAt, startedAt));
                    line.put("kill_to_registered_ms", ms(killedAt, events.runningAt.get()));
                    line.put("kill_to_tasks_running_ms", ms(killedAt, events.tasksRunningAt.get()));
                    line.put("kill_to_processing_resumed_ms", ms(killedAt, resumedAt));
                    line.put("kill_to_old_workers_gone_ms", oldGoneAt.get() == 0 ? null : ms(killedAt, oldGoneAt.get()));
                    line.putAll(workerStartup(dir.resolve("logs").resolve("attempt-" + (attempt + 1))));
                    line.put("heartbeat_interval_ms", heartbeatInterval.toMillis());
                    line.put("heartbeat_timeout_ms", settings.heartbeatTimeout().toMillis());
                    line.put("java_options", String.join(" ", settings.javaOptions()));
                    line.put("loadavg1_before", loadBefore);
                    line.put("load_avg_1m", loadAverage());
                    System.out.println(new ObjectMapper().writeValueAsString(line));
                }
                job.cancel();
            }
        } catch (Exception e) {
            e.printStackTrace();
            exitCode = 1;
        } finally {
            // the workers are gone once the job is closed: nothing of the run stays under the temporary directory
            BenchDirectories.deleteRecursively(dir);
        }
        System.exit(exitCode);
    }

    /**
     * The slowest worker's start-up, from its own log line: process start (a new worker) or its
     * assignment (a standby worker) to registered, and to tasks running.
     */
    private static Map<String, Object> workerStartup(Path logs) throws IOException, InterruptedException {
        Map<String, Object> slowest = new LinkedHashMap<>();
        for (int worker = 0; worker < 2; worker++) {
            Path log = logs.resolve("worker-" + worker + ".log");
            Matcher startup = STARTUP.matcher("");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(Files.exists(log) && (startup = STARTUP.matcher(Files.readString(log))).find())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no start-up line in " + log);
                }
                Thread.sleep(5);
            }
            String from = startup.group(3).equals("its assignment") ? "assigned" : "worker_process";
            slowest.merge(from + "_to_registered_ms", Long.parseLong(startup.group(1)),
                    (a, b) -> Math.max((Long) a, (Long) b));
            slowest.merge(from + "_to_tasks_started_ms", Long.parseLong(startup.group(2)),
                    (a, b) -> Math.max((Long) a, (Long) b));
        }
        return slowest;
    }

    /** Standby workers that have prepared the job and wait for an assignment, from their logs. */
    private static long readySpares(Path logs) {
        try (java.util.stream.Stream<Path> files = Files.list(logs)) {
            return files.filter(f -> f.getFileName().toString().startsWith("standby-")).filter(f -> {
                try {
                    String log = Files.readString(f);
                    return log.contains("waiting for its assignment") && !log.contains(") assigned: worker")
                            && !log.contains("no assignment will come");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Waits for {@code value} to reach {@code target}; fails once it has not moved for 120 s. */
    private static void awaitAtLeast(LongSupplier value, long target) throws InterruptedException {
        long last = value.getAsLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (long now = last; now < target; now = value.getAsLong()) {
            if (now != last) {
                last = now;
                deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no progress within 120 s: " + now + " < " + target);
            }
            Thread.sleep(1);
        }
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** When each step of a recovery happened (System.nanoTime), as the job master reports them. */
    private static final class Events implements JobMasterListener {
        final AtomicLong completed = new AtomicLong();
        final AtomicLong lastStateSize = new AtomicLong();
        final AtomicLong attempt = new AtomicLong();
        final AtomicLong runningAttempt = new AtomicLong();
        final AtomicLong failedAt = new AtomicLong();
        final AtomicLong restartingAt = new AtomicLong();
        final AtomicLong restartDelayMs = new AtomicLong();
        final AtomicLong attemptStartedAt = new AtomicLong();
        final AtomicLong runningAt = new AtomicLong();
        final AtomicLong tasksRunningAt = new AtomicLong();
        final AtomicReference<String> cause = new AtomicReference<>();

        @Override
        public void onAttemptFailed(AttemptFailure failure) {
            failedAt.set(System.nanoTime());
            cause.set(failure.describe().replaceAll(";.*", ""));
        }

        @Override
        public void onRestarting(long nextAttempt, String cause, long delayMs) {
            restartingAt.set(System.nanoTime());
            restartDelayMs.set(delayMs);
        }

        @Override
        public void onAttemptStarted(long number, String restoredFrom) {
            attemptStartedAt.set(System.nanoTime());
            attempt.set(number);
        }

        @Override
        public void onRunning(JobTopology topology, long firstCheckpointId) {
            runningAt.set(System.nanoTime());
            runningAttempt.set(attempt.get());
        }

        /** Every task of the attempt has restored its state and runs (keyed-count's recovery_ms ends here). */
        @Override
        public void onTasksRunning() {
            tasksRunningAt.set(System.nanoTime());
        }

        @Override
        public void onCheckpointCompleted(CompletedCheckpointStats stats) {
            lastStateSize.set(stats.stateSize());
            completed.incrementAndGet();
        }
    }
}
