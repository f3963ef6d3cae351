package bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Recovery of the Flink peer after SIGKILL of a TaskManager process, measured as Weir's {@code bench/recovery}
 * measures a worker's: keyed-count (p = 2, checkpoints every 1 s, exactly-once) on a standalone cluster of
 * processes (a JobManager, {@code busy} TaskManagers with one slot each for the job, {@code spare} idle ones, as
 * {@code weir local} keeps one warm spare JVM per worker). After {@code checkpoints} completed checkpoints the
 * TaskManager running subtask 1 of the keyed operator is killed with SIGKILL; then the JobManager's timestamps
 * (job RESTARTING, job RUNNING again, every subtask of the new attempt DEPLOYING / INITIALIZING / RUNNING) and
 * the first record the restarted keyed operator processed (its UDP progress report) give the steps. A
 * replacement TaskManager is started once processing resumed, and the next kill waits until it registered, so
 * every kill finds the same spare capacity. One JSON line per kill on stdout.
 *
 * <p>usage: [--kills N] [--keys K] [--state-backend hashmap|rocksdb] [--incremental true|false]
 * [--checkpoints N (before each kill, default 3)] [--rate R (records/s, all source subtasks; default 1000000 =
 * Weir's bench/recovery, 500000 per subtask; 0 unthrottled)] [--restart-strategy fixed-delay-0|default]
 * [--spare N (default 2)] [--tm-process-size SIZE (default 1600m)] [--keep-dir]
 */
public final class FlinkRecovery {

    private static final int PARALLELISM = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private FlinkRecovery() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of("kills", "3", "keys", "100000", "state-backend", "hashmap",
                "incremental", "true", "checkpoints", "3", "rate", "1000000", "restart-strategy", "fixed-delay-0",
                "spare", "2", "tm-process-size", "1600m", "keep-dir", "false"));
        for (int i = 0; i < args.length; i++) {
            String key = args[i].replaceFirst("^--", "");
            if (!o.containsKey(key)) {
                System.err.println("unknown option " + args[i]);
                System.exit(2);
            }
            o.put(key, key.equals("keep-dir") ? "true" : args[++i]);
        }
        long keys = Long.parseLong(o.get("keys").replace("_", ""));
        String backend = o.get("state-backend");
        boolean incremental = backend.equals("rocksdb") && Boolean.parseBoolean(o.get("incremental"));
        int spare = Integer.parseInt(o.get("spare"));
        String restart = o.get("restart-strategy");

        Path dir = Files.createTempDirectory("flink-recovery");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("taskmanager.numberOfTaskSlots", "1");
        config.put("taskmanager.memory.process.size", o.get("tm-process-size"));
        config.put("jobmanager.memory.process.size", "1600m");
        config.put("parallelism.default", Integer.toString(PARALLELISM));
        config.put("state.backend.type", backend);
        config.put("execution.checkpointing.incremental", Boolean.toString(incremental));
        config.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        config.put("execution.checkpointing.interval", "1 s");
        config.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        switch (restart) {
            case "fixed-delay-0" -> {
                config.put("restart-strategy.type", "fixed-delay");
                config.put("restart-strategy.fixed-delay.attempts", Integer.toString(Integer.MAX_VALUE));
                config.put("restart-strategy.fixed-delay.delay", "0 s");
            }
            case "default" -> { } // with checkpointing: exponential-delay, 1 s initial backoff
            default -> throw new IllegalArgumentException("--restart-strategy must be fixed-delay-0 or default");
        }

        Progress progress = new Progress();
        StandaloneCluster cluster = StandaloneCluster.start(dir, config);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        try {
            String rest = "http://127.0.0.1:" + cluster.restPort;
            await("the JobManager's REST endpoint", 120, () -> get(rest + "/overview") != null);
            for (int i = 0; i < PARALLELISM + spare; i++) {
                cluster.startTaskManager();
            }
            int taskManagers = PARALLELISM + spare;
            await("TaskManagers registered", 120,
                    () -> get(rest + "/taskmanagers").path("taskmanagers").size() >= taskManagers);

            Configuration clientConf = GlobalConfiguration.loadConfiguration(cluster.confDir.toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                    "127.0.0.1", cluster.restPort, clientConf);
            RecoveryJob.define(env, keys, Long.parseLong(o.get("rate")), progress.port());
            JobClient client = env.executeAsync("keyed-count");
            JobID jobId = client.getJobID();
            String job = rest + "/jobs/" + jobId;
            String keyedVertex = null;
            for (JsonNode v : await("the job's graph", 60, () -> get(job) != null && get(job).path("vertices").size() > 0
                    ? get(job) : null).path("vertices")) {
                if (v.path("name").asText().contains("sum-count")) {
                    keyedVertex = v.path("id").asText();
                }
            }
            String keyedUrl = job + "/vertices/" + keyedVertex;
            int attempt = 0;
            await("every task running", 120, () -> allRunning(job, 0));
            for (int k = 1; k <= Integer.parseInt(o.get("kills")); k++) {
                long completedBefore = get(job + "/checkpoints").path("counts").path("completed").asLong();
                long target = completedBefore + Integer.parseInt(o.get("checkpoints"));
                awaitProgress(target + " completed checkpoints", 600, target,
                        () -> get(job + "/checkpoints").path("counts").path("completed").asLong());
                await("spare TaskManagers registered", 120,
                        () -> get(rest + "/taskmanagers").path("taskmanagers").size() >= taskManagers);
                JsonNode keyedSubtask = get(keyedUrl).path("subtasks").get(1);
                String victim = keyedSubtask.path("taskmanager-id").asText();
                Process process = cluster.taskManagers.get(victim);
                if (process == null) {
                    throw new IllegalStateException("subtask 1 runs on " + victim + ", not one of "
                            + cluster.taskManagers.keySet());
                }
                JsonNode checkpointsAtKill = get(job + "/checkpoints");
                long checkpointsCompleted = checkpointsAtKill.path("counts").path("completed").asLong();
                // the full size of the latest completed checkpoint (Flink's state_size; checkpointed_size is its increment)
                long stateSizeAtKill = checkpointsAtKill.path("latest").path("completed").path("state_size").asLong(-1);
                double load = loadAverage();
                int previousAttempt = attempt;
                long killedAt = System.currentTimeMillis();
                process.destroyForcibly(); // SIGKILL
                await("every task of the new attempt running", 1200, () -> allRunning(job, previousAttempt + 1));
                attempt = get(keyedUrl).path("subtasks").get(0).path("attempt").asInt();
                long[] firstRecords = progress.awaitSubtasks(attempt, PARALLELISM, 60_000);
                long resumedAt = firstRecords[0];
                long allReportedAt = firstRecords[PARALLELISM - 1];
                cluster.taskManagers.remove(victim);
                String replacement = cluster.startTaskManager();

                JsonNode jobInfo = get(job);
                ObjectNode line = JSON.createObjectNode();
                line.put("system", "flink");
                line.put("version", EnvironmentInformation.getVersion());
                line.put("benchmark", "recovery");
                line.put("mode", "standalone-processes");
                line.put("parallelism", PARALLELISM);
                line.put("keys", keys);
                line.put("state_backend", backend);
                line.put("incremental", incremental);
                line.put("rate", Long.parseLong(o.get("rate")));
                line.put("busy_task_managers", PARALLELISM);
                line.put("spare_task_managers", spare);
                line.put("restart_strategy", restart.equals("default") ? "default (exponential-delay)" : "fixed-delay 0 s");
                line.put("kill", k);
                line.put("killed_task_manager", victim);
                line.put("checkpoints_completed_at_kill", checkpointsCompleted);
                line.put("checkpoints_before_kill", Integer.parseInt(o.get("checkpoints")));
                line.put("state_size_at_kill", stateSizeAtKill);
                line.put("attempt_before", previousAttempt);
                line.put("attempt_after", attempt);
                line.put("restarts", attempt - previousAttempt);
                JobManagerLog.Failure first = JobManagerLog.firstFailureAfter(cluster.dir.resolve("log/jobmanager.log"),
                        killedAt, victim);
                line.put("cause", first.cause());
                line.put("kill_to_failed_ms", first.failedAt() < 0 ? -1 : first.failedAt() - killedAt);
                line.put("kill_to_first_restart_ms", first.restartedAt() < 0 ? -1 : first.restartedAt() - killedAt);
                line.put("kill_to_task_manager_lost_ms", first.lostAt() < 0 ? -1 : first.lostAt() - killedAt);
                line.put("failed_deployments", first.failedDeployments());
                line.put("kill_to_last_restart_ms", since(killedAt, jobInfo.path("timestamps").path("RUNNING")));
                Map<String, Long> latest = latestSubtaskTimes(job, jobInfo);
                line.put("kill_to_tasks_deploying_ms", latest.get("DEPLOYING") - killedAt);
                line.put("kill_to_tasks_initializing_ms", latest.get("INITIALIZING") - killedAt);
                line.put("kill_to_tasks_running_ms", latest.get("RUNNING") - killedAt);
                line.put("kill_to_processing_resumed_ms", resumedAt - killedAt);
                line.put("kill_to_all_subtasks_processing_ms", allReportedAt - killedAt);
                line.put("failed_attempts_subtasks_with_records", progress.subtasksOfFailedAttempts(previousAttempt, attempt));
                line.put("replacement_task_manager", replacement);
                line.put("heartbeat_interval_ms", clientConf.get(
                        org.apache.flink.configuration.HeartbeatManagerOptions.HEARTBEAT_INTERVAL).toMillis());
                line.put("heartbeat_timeout_ms", clientConf.get(
                        org.apache.flink.configuration.HeartbeatManagerOptions.HEARTBEAT_TIMEOUT).toMillis());
                line.put("heartbeat_rpc_failure_threshold", clientConf.get(
                        org.apache.flink.configuration.HeartbeatManagerOptions.HEARTBEAT_RPC_FAILURE_THRESHOLD));
                line.put("tm_process_size", o.get("tm-process-size"));
                line.put("loadavg1_before", load);
                line.put("load_avg_1m", loadAverage());
                line.put("jvm", System.getProperty("java.vm.version"));
                System.out.println(JSON.writeValueAsString(line));
                System.out.flush();
            }
            client.cancel().get();
        } finally {
            cluster.close();
            progress.close();
            if (!Boolean.parseBoolean(o.get("keep-dir"))) {
                deleteRecursively(dir);
            } else {
                System.err.println("cluster directory kept: " + dir);
            }
        }
        System.exit(0);
    }

    /** True when the job runs and every subtask of every vertex runs in an attempt at least {@code attempt}. */
    private static boolean allRunning(String job, int attempt) {
        JsonNode info = get(job);
        if (info == null || !info.path("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode v : info.path("vertices")) {
            JsonNode detail = get(job + "/vertices/" + v.path("id").asText());
            if (detail == null) {
                return false;
            }
            for (JsonNode s : detail.path("subtasks")) {
                if (!s.path("status").asText().equals("RUNNING") || s.path("attempt").asInt() < attempt) {
                    return false;
                }
            }
        }
        return true;
    }

    /** For each execution state, the latest time any subtask of the current attempt entered it (JobManager clock). */
    private static Map<String, Long> latestSubtaskTimes(String job, JsonNode jobInfo) {
        Map<String, Long> latest = new LinkedHashMap<>(Map.of("DEPLOYING", 0L, "INITIALIZING", 0L, "RUNNING", 0L));
        for (JsonNode v : jobInfo.path("vertices")) {
            for (JsonNode s : get(job + "/vertices/" + v.path("id").asText() + "/subtasktimes").path("subtasks")) {
                latest.replaceAll((state, t) -> Math.max(t, s.path("timestamps").path(state).asLong()));
            }
        }
        return latest;
    }

    private static long since(long killedAt, JsonNode timestamp) {
        return timestamp.asLong() == 0 ? -1 : timestamp.asLong() - killedAt;
    }

    static JsonNode get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        await(what, seconds, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    private static <T> T await(String what, int seconds, java.util.function.Supplier<T> value)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (true) {
            T v;
            try {
                v = value.get();
            } catch (RuntimeException e) {
                v = null;
            }
            if (v != null) {
                return v;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until {@code value} reaches {@code target}, giving up only after {@code idleSeconds} without it moving:
     * with large state each checkpoint takes longer, so a fixed deadline for N of them fails a healthy run.
     */
    private static void awaitProgress(String what, int idleSeconds, long target, LongSupplier value)
            throws InterruptedException {
        long last = Long.MIN_VALUE;
        long deadline = System.nanoTime() + Duration.ofSeconds(idleSeconds).toNanos();
        while (true) {
            long v;
            try {
                v = value.getAsLong();
            } catch (RuntimeException e) {
                v = last;
            }
            if (v >= target) {
                return;
            }
            if (v != last) {
                last = v;
                deadline = System.nanoTime() + Duration.ofSeconds(idleSeconds).toNanos();
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no progress for " + idleSeconds + " s waiting for " + what
                        + " (at " + v + ")");
            }
            Thread.sleep(20);
        }
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** The keyed subtasks' progress reports: per (attempt, subtask), when its first record after (re)start came. */
    private static final class Progress implements AutoCloseable {
        private final DatagramSocket socket;
        private final Map<String, Long> firstReport = new ConcurrentHashMap<>();
        private final Thread reader;

        Progress() throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            reader = new Thread(this::read, "progress");
            reader.setDaemon(true);
            reader.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void read() {
            byte[] buf = new byte[128];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (IOException e) {
                    return;
                }
                long now = System.currentTimeMillis();
                String[] f = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII).split(" ");
                firstReport.putIfAbsent(f[1] + "/" + f[0], now);
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        /**
         * When each of the keyed operator's {@code subtasks} subtasks of {@code attempt} reported its first record,
         * in order. Only the attempt that runs counts: tasks of an attempt whose deployment failed elsewhere may
         * process a few local records before they are cancelled.
         */
        synchronized long[] awaitSubtasks(int attempt, int subtasks, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (true) {
                long[] times = new long[subtasks];
                int seen = 0;
                for (int s = 0; s < subtasks; s++) {
                    Long t = firstReport.get(attempt + "/" + s);
                    if (t != null) {
                        times[seen++] = t;
                    }
                }
                if (seen == subtasks) {
                    java.util.Arrays.sort(times);
                    return times;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new IllegalStateException("no records from attempt " + attempt + " within " + timeoutMs + " ms");
                }
                wait(left);
            }
        }

        /** How many keyed subtasks of attempts after {@code after} and before {@code attempt} processed records. */
        int subtasksOfFailedAttempts(int after, int attempt) {
            int n = 0;
            for (String k : firstReport.keySet()) {
                int a = Integer.parseInt(k.substring(0, k.indexOf('/')));
                if (a > after && a < attempt) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
