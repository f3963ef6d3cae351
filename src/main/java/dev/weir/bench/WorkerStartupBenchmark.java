package dev.weir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.local.WorkerClassPath;
import dev.weir.local.WorkerProcessDeployer;
import dev.weir.runtime.exec.JobMetrics;

/**
 * Worker start-up and memory by class path: keyed-count (rate-limited, checkpoints every second)
 * as P worker processes, started either on the worker's own class path ({@code worker}: weir.jar
 * and target/worker/lib) or on this JVM's ({@code full}: weir.jar and target/lib, what workers
 * ran on before they had their own, with the SLF4J provider choice that needed). Per worker: the
 * time from process start to registered with the coordinator and to tasks running (from the
 * worker's log line), its RSS once its tasks run and after a few seconds of processing.
 * Variants alternate run by run, so load from elsewhere on the machine spreads over both. One
 * JSON line per worker and run, then one per variant with the medians.
 */
public final class WorkerStartupBenchmark {

    private static final Pattern STARTUP = Pattern.compile("registered (\\d+) ms and started its tasks (\\d+) ms");
    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerStartupBenchmark() {}

    /** usage: [--runs N] [--variants worker,full] [--class-data-archive true|false] [--steady-seconds S] */
    public static void main(String[] args) throws Exception {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        Map<String, String> options = new LinkedHashMap<>(Map.of("runs", "5", "variants", "full,worker",
                "class-data-archive", "true", "steady-seconds", "8", "parallelism", "2"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int runs = Integer.parseInt(options.get("runs"));
        boolean classData = Boolean.parseBoolean(options.get("class-data-archive"));
        int steadySeconds = Integer.parseInt(options.get("steady-seconds"));
        int parallelism = Integer.parseInt(options.get("parallelism"));
        List<String> variants = List.of(options.get("variants").split(","));
        // Archives of their own: ~/.cache/weir/cds keeps only the newest few, and other builds write there too.
        Path classDataDir = classData ? Files.createTempDirectory("weir-bench-worker-cds") : null;
        Map<String, List<Map<String, Object>>> byVariant = new LinkedHashMap<>();
        // Run 0 of each variant records its class-data archive (when on) and is not counted.
        for (int run = 0; run <= runs; run++) {
            for (String variant : variants) {
                List<Map<String, Object>> lines = runOnce(variant, run, classDataDir, steadySeconds, parallelism);
                if (run > 0) {
                    byVariant.computeIfAbsent(variant, v -> new ArrayList<>()).addAll(lines);
                    for (Map<String, Object> line : lines) {
                        System.out.println(JSON.writeValueAsString(line));
                    }
                }
            }
        }
        for (Map.Entry<String, List<Map<String, Object>>> entry : byVariant.entrySet()) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("system", "weir");
            summary.put("benchmark", "worker-startup-summary");
            summary.put("class_path", entry.getKey());
            summary.put("jars", entry.getValue().get(0).get("jars"));
            summary.put("class_data_archive", classData);
            summary.put("runs", runs);
            summary.put("workers_measured", entry.getValue().size());
            for (String field : List.of("registered_ms", "tasks_started_ms", "rss_tasks_started_mb", "rss_steady_mb")) {
                summary.put("median_" + field, median(entry.getValue(), field));
            }
            System.out.println(JSON.writeValueAsString(summary));
        }
        if (classDataDir != null) {
            BenchDirectories.deleteRecursively(classDataDir);
        }
        System.exit(0);
    }

    private static List<Map<String, Object>> runOnce(String variant, int run, Path classDataDir, int steadySeconds,
                                                     int parallelism) throws Exception {
        Path dir = Files.createTempDirectory("weir-bench-worker-startup");
        JobMetrics metrics = new JobMetrics();
        AtomicLong checkpoints = new AtomicLong();
        WorkerProcessDeployer.Settings settings = WorkerProcessDeployer.Settings.defaults(dir.resolve("logs"))
                .withClassDataArchive(classDataDir);
        if (variant.equals("full")) {
            List<String> javaOptions = new ArrayList<>(settings.javaOptions());
            javaOptions.addAll(List.of("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider",
                    "-Dslf4j.internal.verbosity=WARN"));
            settings = settings.withClassPath(WorkerClassPath.parse(System.getProperty("java.class.path")))
                    .withJavaOptions(javaOptions);
        } else if (!variant.equals("worker")) {
            throw new IllegalArgumentException("--variants: 'worker' or 'full', not '" + variant + "'");
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        try (WorkerProcessJob job = WorkerProcessJob.start("worker-startup", dir,
                Map.of("records", "1000000000", "keys", "100000", "output", "discard", "rate", "200000"), parallelism,
                settings, metrics, new JobMasterListener() {
                    @Override
                    public void onCheckpointCompleted(CompletedCheckpointStats stats) {
                        checkpoints.incrementAndGet();
                    }
                })) {
            while (job.deployer.currentWorkers().size() < parallelism) {
                Thread.sleep(1);
            }
            List<ProcessHandle> workers = job.deployer.currentWorkers();
            List<Long> rssStarted = new ArrayList<>();
            for (int worker = 0; worker < workers.size(); worker++) {
                awaitStartupLine(log(dir, worker));
                rssStarted.add(rssMb(workers.get(worker)));
            }
            Thread.sleep(Duration.ofSeconds(steadySeconds).toMillis());
            List<Long> rssSteady = workers.stream().map(WorkerStartupBenchmark::rssMb).toList();
            long checkpointsDone = checkpoints.get();
            job.cancel();
            for (int worker = 0; worker < workers.size(); worker++) {
                workers.get(worker).onExit().get();
                Path log = log(dir, worker);
                Matcher startup = STARTUP.matcher(Files.readString(log));
                if (!startup.find()) {
                    throw new IllegalStateException("no start-up line in " + log);
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("system", "weir");
                line.put("benchmark", "worker-startup");
                line.put("class_path", variant);
                line.put("jars", settings.classPath().jarCount());
                line.put("class_data_archive", classDataDir != null);
                line.put("run", run);
                line.put("worker", worker);
                line.put("registered_ms", Long.parseLong(startup.group(1)));
                line.put("tasks_started_ms", Long.parseLong(startup.group(2)));
                line.put("rss_tasks_started_mb", rssStarted.get(worker));
                line.put("rss_steady_mb", rssSteady.get(worker));
                line.put("steady_after_s", steadySeconds);
                line.put("checkpoints_completed", checkpointsDone);
                lines.add(line);
            }
        } finally {
            BenchDirectories.deleteRecursively(dir);
        }
        return lines;
    }

    private static Path log(Path dir, int worker) {
        return dir.resolve("logs").resolve("attempt-1").resolve("worker-" + worker + ".log");
    }

    /** Until the worker logged its start-up line: it registered and its tasks run. */
    private static void awaitStartupLine(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.exists(log) || !STARTUP.matcher(Files.readString(log)).find()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no start-up line in " + log + " within 120 s");
            }
            Thread.sleep(5);
        }
    }

    /** Resident set size from /proc, in MiB; -1 when the process is gone. */
    private static long rssMb(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException gone) {
            // exited
        }
        return -1;
    }

    private static double median(List<Map<String, Object>> lines, String field) {
        List<Long> values = lines.stream().map(l -> ((Number) l.get(field)).longValue()).sorted().toList();
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2.0;
    }
}
