package dev.weir.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.AttemptCoordinator;
import dev.weir.coordinator.Heartbeats;
import dev.weir.coordinator.JobDeployer;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.coordinator.remote.WorkerClient;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.worker.WorkerEnvironment;
import dev.weir.runtime.worker.WorkerJvm;
import dev.weir.runtime.worker.WorkerVariable;

/**
 * Runs each attempt as P worker processes on this machine (the shape the operator deploys as
 * pods): starts them with their {@code WEIR_*} environment, waits until all registered with the
 * coordinator endpoint of this process, and hands the job master a {@link WorkerProcesses} to
 * drive them. Worker output goes to {@code <logDir>/attempt-<n>/worker-<i>.log}.
 */
public final class WorkerProcessDeployer implements JobDeployer {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcessDeployer.class);
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /**
     * Settings of the worker processes.
     *
     * @param extraEnvironment set on every worker besides Weir's own variables, e.g. connector
     *     credentials such as {@code WEIR_JDBC_USER}/{@code WEIR_JDBC_PASSWORD} (what a Secret
     *     gives a pod); never logged; may not name a variable Weir sets
     *     ({@link WorkerVariable#reservedNames})
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

        /**
         * Workers on loopback with the worker class path of this installation ({@link WorkerClassPath})
         * and a StreamJob's default heartbeats ({@link Heartbeats#defaults()}).
         */
        public static Settings defaults(Path logDir) {
            Heartbeats heartbeats = Heartbeats.defaults();
            return new Settings("127.0.0.1", heartbeats.interval(), heartbeats.timeout(), List.of(), logDir,
                    Map.of(), WorkerClassPath.forThisInstallation(), null).withHeap(WorkerHeap.options(null, null));
        }

        /** The JVM options become {@code heapOptions} (see {@link WorkerHeap}) and {@link WorkerJvm#GC_OPTIONS}. */
        public Settings withHeap(List<String> heapOptions) {
            List<String> options = new ArrayList<>(heapOptions);
            options.addAll(WorkerJvm.GC_OPTIONS);
            return withJavaOptions(List.copyOf(options));
        }

        public Settings withJavaOptions(List<String> options) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, options, logDir, extraEnvironment,
                    classPath, classDataDirectory);
        }

        public Settings withHeartbeats(Duration interval, Duration timeout) {
            return new Settings(bindAddress, interval, timeout, javaOptions, logDir, extraEnvironment, classPath,
                    classDataDirectory);
        }

        public Settings withHeartbeats(Heartbeats heartbeats) {
            return withHeartbeats(heartbeats.interval(), heartbeats.timeout());
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
    private final WorkerClassDataArchive classData;
    private volatile List<Process> current = List.of();
    private boolean recording;

    public WorkerProcessDeployer(InProcessDeployer.JobSpecification job, WorkerStorage storage, CoordinatorServer server,
                          Settings settings, JobMetrics metrics) {
        this.job = job;
        this.storage = storage;
        this.server = server;
        this.settings = settings;
        this.metrics = metrics;
        checkExtraEnvironment(settings.extraEnvironment(), storage);
        this.classData = settings.classDataDirectory() == null ? null
                : WorkerClassDataArchive.forClassPath(settings.classDataDirectory(), settings.classPath());
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public Workers workers() {
        return new Workers(job.parallelism(), settings.heartbeatTimeout(), REGISTRATION_TIMEOUT,
                registration -> WorkerClient.forWorker(registration, token, server.tls()));
    }

    /** Starts the attempt's processes; they register with {@code coordinator} through this process's server. */
    @Override
    public Deployment deploy(long attempt, RestoreTarget restore, AttemptCoordinator coordinator) throws Exception {
        server.register(job.jobName(), token, new ProgressEndpoint(coordinator.endpoint(), metrics));
        Path logs = Files.createDirectories(settings.logDir().resolve("attempt-" + attempt));
        List<Process> processes = new ArrayList<>();
        try {
            for (int worker = 0; worker < job.parallelism(); worker++) {
                processes.add(start(attempt, worker, restore, logs.resolve("worker-" + worker + ".log")));
            }
        } catch (Exception e) {
            processes.forEach(Process::destroyForcibly);
            throw e;
        }
        current = List.copyOf(processes);
        return new WorkerProcesses(attempt, processes, coordinator, logs);
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
        command.addAll(WorkerJvm.ERROR_OPTIONS);
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
        env.putAll(environment(attempt, worker, restore).asText());
        env.putAll(settings.extraEnvironment());
        Process process = builder.start();
        if (record) {
            process.onExit().thenRun(classData::recorded);
        }
        return process;
    }

    /** What worker {@code worker} of {@code attempt} is told (without the user's extra variables). */
    public WorkerEnvironment environment(long attempt, int worker, RestoreTarget restore) {
        WorkerEnvironment env = new WorkerEnvironment()
                .job(job.jobName(), job.className(), job.args().asMap(), job.parallelism(), job.maxParallelism(),
                        job.mode())
                .stateBackend(job.stateBackend())
                .worker(worker, attempt)
                .coordinator(server.baseUri().toString())
                .token(token)
                .tls(server.tls() == null ? null : server.tls().directory().toString())
                .bindAddress(settings.bindAddress())
                // A worker bears the coordinator's silence as long as the coordinator bears a worker's;
                // it stops at once when this process is gone (a SIGKILL included): nothing takes over.
                .heartbeats(settings.heartbeatInterval(), settings.heartbeatTimeout())
                .coordinatorProcess(ProcessHandle.current().pid())
                .restoreFrom(restore == null ? null : restore.location());
        if (job.jar() != null) {
            // With the content this process started the job with: every worker of every attempt loads
            // exactly that jar, or fails saying it changed. s3:// jars are cached in the default
            // directory, which this process has filled already.
            env.jobJar(job.jar().uri(), job.jar().sha256());
        }
        storage.writeTo(env);
        return env;
    }

    /** The user's variables may not replace the worker's own (the job would silently run differently). */
    private static void checkExtraEnvironment(Map<String, String> extra, WorkerStorage storage) {
        Set<String> reserved = WorkerVariable.reservedNames(storage.s3() != null);
        List<String> clashes = extra.keySet().stream().filter(reserved::contains).sorted().toList();
        if (!clashes.isEmpty()) {
            boolean s3 = clashes.stream().anyMatch(name -> WorkerVariable.named(name).orElseThrow().isS3Connection());
            throw new IllegalArgumentException("--env " + String.join(", ", clashes) + ": weir local sets "
                    + (clashes.size() == 1 ? "this variable" : "these variables") + " for every worker itself"
                    + (s3 ? "; the WEIR_S3_* variables lead the workers to the job's checkpoint storage (S3 connectors"
                    + " read the same ones, so they write to that store)" : ""));
        }
    }
}
