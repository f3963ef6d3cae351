package dev.weir.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.DeployedJob;
import dev.weir.coordinator.JobDeployer;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.coordinator.remote.PeerRegistry;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.exec.JobGraph;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.exec.TaskListener;
import dev.weir.runtime.worker.WorkerJvm;

/**
 * Runs each attempt as P worker processes on this machine (the shape the operator deploys as
 * pods): starts them with their {@code WEIR_*} environment, waits until all registered with the
 * coordinator endpoint of this process, and hands the job master a {@link WorkerProcesses} to
 * drive them. Worker output goes to {@code <logDir>/attempt-<n>/worker-<i>.log}.
 */
public final class WorkerProcessDeployer implements JobDeployer {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcessDeployer.class);
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COORDINATOR_TIMEOUT = Duration.ofSeconds(10);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /**
     * Settings of the worker processes.
     *
     * @param extraEnvironment set on every worker after Weir's own variables, e.g. connector
     *     credentials such as {@code WEIR_JDBC_USER}/{@code WEIR_JDBC_PASSWORD} (what a Secret
     *     gives a pod); never logged
     * @param classPath the workers' own class path, not this process's
     * @param classDataDirectory where workers find (and the first one records) their class-data
     *     archive; null: none
     */
    public record Settings(String bindAddress, Duration heartbeatInterval, Duration heartbeatTimeout,
                           List<String> javaOptions, Path logDir, Map<String, String> extraEnvironment,
                           WorkerClassPath classPath, Path classDataDirectory) {
        public Settings {
            extraEnvironment = Map.copyOf(extraEnvironment);
        }

        /** Workers on loopback with the worker class path of this installation ({@link WorkerClassPath}). */
        public static Settings defaults(Path logDir) {
            return new Settings("127.0.0.1", Duration.ofSeconds(1), Duration.ofSeconds(5),
                    List.of("-Xmx1g", "-XX:+UseParallelGC"), logDir, Map.of(), WorkerClassPath.forThisInstallation(),
                    null);
        }

        public Settings withJavaOptions(List<String> options) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, options, logDir, extraEnvironment,
                    classPath, classDataDirectory);
        }

        public Settings withHeartbeats(Duration interval, Duration timeout) {
            return new Settings(bindAddress, interval, timeout, javaOptions, logDir, extraEnvironment, classPath,
                    classDataDirectory);
        }

        public Settings withExtraEnvironment(Map<String, String> environment) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, javaOptions, logDir, environment,
                    classPath, classDataDirectory);
        }

        public Settings withClassPath(WorkerClassPath workerClassPath) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, javaOptions, logDir, extraEnvironment,
                    workerClassPath, classDataDirectory);
        }

        /** Workers start from (and the first one records) a class-data archive kept in {@code directory}; null: none. */
        public Settings withClassDataArchive(Path directory) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, javaOptions, logDir, extraEnvironment,
                    classPath, directory);
        }

        /** Leaves out the environment's values: they may be credentials. */
        @Override
        public String toString() {
            return "Settings[bindAddress=" + bindAddress + ", heartbeatInterval=" + heartbeatInterval
                    + ", heartbeatTimeout=" + heartbeatTimeout + ", javaOptions=" + javaOptions + ", logDir=" + logDir
                    + ", extraEnvironment=" + extraEnvironment.keySet() + ", classPath=" + classPath
                    + ", classDataDirectory=" + classDataDirectory + "]";
        }
    }

    private final InProcessDeployer.JobSpecification job;
    private final WorkerStorage storage;
    private final CoordinatorServer server;
    private final Settings settings;
    private final JobMetrics metrics;
    private final String token = newToken();
    private final JobGraph graph;
    private final WorkerClassDataArchive classData;
    private volatile List<Process> current = List.of();
    private boolean recording;

    public WorkerProcessDeployer(InProcessDeployer.JobSpecification job, WorkerStorage storage, CoordinatorServer server,
                          Settings settings, JobMetrics metrics) throws Exception {
        this.job = job;
        this.storage = storage;
        this.server = server;
        this.settings = settings;
        this.metrics = metrics;
        // Built here too, to know the job's tasks and to fail fast on a bad job class before any process starts.
        this.graph = InProcessDeployer.buildGraphs(job, Set.of(0)).get(0);
        this.classData = settings.classDataDirectory() == null ? null
                : WorkerClassDataArchive.forClassPath(settings.classDataDirectory(), settings.classPath());
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public DeployedJob deploy(long attempt, RestoreTarget restore, TaskListener listener) throws Exception {
        PeerRegistry registry = new PeerRegistry(attempt, job.parallelism(), Clock.system(), settings.heartbeatTimeout());
        ProgressEndpoint endpoint = new ProgressEndpoint(registry, listener, metrics);
        server.register(job.jobName(), token, endpoint);
        Path logs = Files.createDirectories(settings.logDir().resolve("attempt-" + attempt));
        List<Process> processes = new ArrayList<>();
        try {
            for (int worker = 0; worker < job.parallelism(); worker++) {
                processes.add(start(attempt, worker, restore, logs.resolve("worker-" + worker + ".log")));
            }
            awaitRegistration(registry, processes, logs);
        } catch (Exception e) {
            processes.forEach(Process::destroyForcibly);
            throw e;
        }
        current = List.copyOf(processes);
        Map<Integer, List<ExecutionVertexId>> verticesByWorker = new LinkedHashMap<>();
        Set<ExecutionVertexId> vertices = new LinkedHashSet<>();
        for (int worker = 0; worker < job.parallelism(); worker++) {
            List<ExecutionVertexId> own = new ArrayList<>();
            for (JobGraph.JobVertex vertex : graph.vertices()) {
                own.add(new ExecutionVertexId(vertex.name(), worker));
            }
            verticesByWorker.put(worker, own);
            vertices.addAll(own);
        }
        return new WorkerProcesses(attempt, token, processes, registry, verticesByWorker, vertices, listener, logs);
    }

    /** The worker processes of the latest attempt, index = worker (for operations and failure tests). */
    public List<ProcessHandle> currentWorkers() {
        return current.stream().map(Process::toHandle).toList();
    }

    private Process start(long attempt, int worker, RestoreTarget restore, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // Own session: a Ctrl-C at the terminal reaches `weir local`, which stops the job with a
            // savepoint, instead of killing the workers under it.
            command.add(SETSID.toString());
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(WorkerJvm.COMPILER_OPTIONS);
        command.addAll(settings.javaOptions());
        boolean record = false;
        if (classData != null) {
            // One recording per deployer: worker 0 of the first attempt that finds no archive.
            record = worker == 0 && !recording;
            List<String> options = classData.javaOptions(record);
            record = record && options.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit"));
            recording |= record;
            command.addAll(options);
        }
        command.add("-cp");
        command.add(settings.classPath().asArgument());
        command.add("dev.weir.runtime.worker.WorkerMain");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("WEIR_JOB_NAME", job.jobName());
        env.put("WEIR_JOB_CLASS", job.className());
        env.put("WEIR_JOB_ARGS", new ObjectMapper().writeValueAsString(job.args().asMap()));
        env.put("WEIR_PARALLELISM", Integer.toString(job.parallelism()));
        env.put("WEIR_MAX_PARALLELISM", Integer.toString(job.maxParallelism()));
        env.put("WEIR_WORKER_INDEX", Integer.toString(worker));
        env.put("WEIR_ATTEMPT", Long.toString(attempt));
        env.put("WEIR_CHECKPOINT_MODE", job.mode() == CheckpointingMode.AT_LEAST_ONCE ? "at-least-once" : "exactly-once");
        env.put("WEIR_COORDINATOR_URL", server.baseUri().toString());
        env.put("WEIR_JOB_TOKEN", token);
        env.put("WEIR_BIND_ADDRESS", settings.bindAddress());
        env.put("WEIR_HEARTBEAT_INTERVAL_MS", Long.toString(settings.heartbeatInterval().toMillis()));
        // Workers of a `weir local` that died (even by SIGKILL) stop by themselves soon after.
        env.put("WEIR_COORDINATOR_TIMEOUT_MS", Long.toString(COORDINATOR_TIMEOUT.toMillis()));
        env.putAll(storage.environment());
        env.putAll(settings.extraEnvironment());
        if (restore != null) {
            env.put("WEIR_RESTORE_FROM", restore.location());
        }
        Process process = builder.start();
        if (record) {
            process.onExit().thenRun(classData::recorded);
        }
        return process;
    }

    private static void awaitRegistration(PeerRegistry registry, List<Process> processes, Path logs)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + REGISTRATION_TIMEOUT.toNanos();
        while (!registry.isComplete()) {
            for (int i = 0; i < processes.size(); i++) {
                if (!processes.get(i).isAlive()) {
                    throw new IOException("worker " + i + " exited with code " + processes.get(i).exitValue()
                            + " before registering; see " + logs.resolve("worker-" + i + ".log"));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("not all workers registered within " + REGISTRATION_TIMEOUT + "; see " + logs);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        LOG.debug("all {} workers registered for attempt {}", processes.size(), registry.attempt());
    }
}
