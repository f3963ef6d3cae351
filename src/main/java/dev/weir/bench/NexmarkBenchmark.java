package dev.weir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.coordinator.JobResult;
import dev.weir.examples.nexmark.DigestResult;

/**
 * A Nexmark query on Weir, measured like the Flink peer ({@code ../shared/bench/flink-nexmark}):
 * prints one JSON line with the peer's fields ({@code ../shared/bench/nexmark.md} §4). {@code seconds}
 * runs from submission to the job's end (the final checkpoint committed every row), including the
 * start of the worker processes; {@code job_net_runtime_s} from the moment every task ran;
 * {@code stop_s} is how long the worker processes took to exit after that end ({@link JobEnd}).
 */
public final class NexmarkBenchmark {

    private static final String USAGE = "usage: nexmark --query events|q0|q1|q2|q3 [--events N] [--parallelism P]"
            + " [--checkpointing true|false] [--interval-ms MS] [--mode workers|in-process]"
            + " [--events-per-second R] [--worker-jvm-option OPT]... [--class-data-archive true|false]"
            + " [--incremental true|false]";

    private NexmarkBenchmark() {}

    public static void main(String[] args) throws Exception {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        String query = null;
        long events = 10_000_000;
        int parallelism = 2;
        boolean checkpointing = true;
        long intervalMs = 1000;
        NexmarkRun.Mode mode = NexmarkRun.Mode.WORKERS;
        long virtualRate = 10_000;
        boolean classData = true;
        boolean incremental = false;
        List<String> workerJvmOptions = new ArrayList<>(NexmarkRun.DEFAULT_WORKER_JVM_OPTIONS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--query" -> query = args[++i];
                case "--events" -> events = Long.parseLong(args[++i].replace("_", ""));
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--checkpointing" -> checkpointing = Boolean.parseBoolean(args[++i]);
                case "--interval-ms" -> intervalMs = Long.parseLong(args[++i]);
                case "--mode" -> mode = switch (args[++i]) {
                    case "workers" -> NexmarkRun.Mode.WORKERS;
                    case "in-process" -> NexmarkRun.Mode.IN_PROCESS;
                    default -> usage("--mode must be workers or in-process");
                };
                case "--events-per-second" -> virtualRate = Long.parseLong(args[++i]);
                case "--worker-jvm-option" -> workerJvmOptions.add(args[++i]);
                case "--class-data-archive" -> classData = Boolean.parseBoolean(args[++i]);
                case "--incremental" -> incremental = Boolean.parseBoolean(args[++i]);
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if (query == null) {
            usage("--query is required");
        }
        Path dir = Files.createTempDirectory("weir-bench-nexmark");
        try {
            NexmarkRun.Settings settings = NexmarkRun.Settings.of(query, events, parallelism, mode)
                    .withCheckpointInterval(checkpointing ? intervalMs : 0)
                    .withVirtualRate(virtualRate)
                    .withWorkers(workerJvmOptions, mode == NexmarkRun.Mode.WORKERS && classData)
                    .withIncremental(incremental);
            NexmarkRun.Outcome outcome = NexmarkRun.run(settings, dir);
            JobResult result = outcome.result();
            if (result.state() != JobResult.JobState.FINISHED) {
                System.err.println("job " + result.state() + ": " + result.failure());
                printWorkerLogs(dir.resolve("logs"));
                System.exit(1);
            }
            DigestResult digest = outcome.digest();
            if (digest == null || !digest.complete()) {
                System.err.println("the digest sink committed no complete result: " + digest);
                System.exit(1);
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("system", "weir");
            line.put("version", "0.1.0");
            line.put("query", query);
            line.put("mode", mode.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            line.put("events", events);
            line.put("parallelism", parallelism);
            line.put("checkpointing", checkpointing);
            line.put("seconds", round3(outcome.seconds()));
            line.put("events_per_s", Math.round(events / outcome.seconds()));
            line.put("rows", digest.rows());
            line.put("digest", digest.digest());
            line.put("checkpoints_completed", result.checkpointsCompleted());
            line.put("checkpoints_failed", result.checkpointsFailed());
            line.put("state_backend", "heap");
            line.put("incremental", incremental);
            line.put("interval_ms", checkpointing ? intervalMs : 0);
            line.put("virtual_events_per_s", virtualRate);
            line.put("job_net_runtime_s", round3(outcome.netSeconds()));
            line.put("net_events_per_s", Math.round(events / outcome.netSeconds()));
            line.put("deploy_s", round3(outcome.seconds() - outcome.netSeconds()));
            line.put("stop_s", round3(outcome.stopSeconds()));
            line.putAll(outcome.checkpointTimings());
            line.put("worker_class_data_archive", settings.classDataArchive());
            line.put("worker_jvm_options", String.join(" ", settings.workerJvmOptions()));
            line.put("jvm", System.getProperty("java.vm.version"));
            System.out.println(new ObjectMapper().writeValueAsString(line));
        } finally {
            BenchDirectories.deleteRecursively(dir);
        }
        System.exit(0);
    }

    private static <T> T usage(String problem) {
        System.err.println(problem + "\n" + USAGE);
        System.exit(2);
        return null;
    }

    /** The worker logs go with the run's temporary directory: show a failed run's on stderr first. */
    private static void printWorkerLogs(Path logs) throws IOException {
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                System.err.println("--- " + logs.relativize(log) + " (last 60 lines)");
                lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.err::println);
            }
        }
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
