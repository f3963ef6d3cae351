package dev.weir.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import dev.weir.runtime.worker.WorkerAssignment;
import dev.weir.runtime.worker.WorkerEnvironment;
import dev.weir.runtime.worker.WorkerJvm;
import dev.weir.runtime.worker.WorkerVariable;

/**
 * Runs each attempt as P worker processes on this machine (the shape the operator deploys as
 * pods): starts them with their {@code WEIR_*} environment, waits until all registered with the
 * coordinator endpoint of this process, and hands the job master a {@link WorkerProcesses} to
 * drive them. Worker output goes to {@code <logDir>/attempt-<n>/worker-<i>.log}.
 *
 * <p>With {@link Settings#standbyWorkers} it keeps spare worker processes ready
 * ({@link StandbyWorkers}): an attempt takes spares first and starts new processes only for the
 * rest. A spare writes {@code <logDir>/standby-<n>.log}; once assigned, its attempt's
 * {@code worker-<i>.log} is a symbolic link to that file.
 */
public final class WorkerProcessDeployer implements JobDeployer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcessDeployer.class);
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(60);
    /** When spares are refilled for an attempt that has completed no checkpoint (see refillOnceRegistered). */
    private static final Duration REFILL_WITHOUT_CHECKPOINT = Duration.ofSeconds(5);
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
     * @param standbyWorkers how many spare worker processes to keep ready for the next attempt
     *     ({@link StandbyWorkers}); 0: none, every attempt starts new processes
     */
    public record Settings(String bindAddress, Duration heartbeatInterval, Duration heartbeatTimeout,
                           List<String> javaOptions, Path logDir, Map<String, String> extraEnvironment,
                           WorkerClassPath classPath, Path classDataDirectory, int standbyWorkers) {
        public Settings {
            extraEnvironment = Map.copyOf(extraEnvironment);
            if (standbyWorkers < 0) {
                throw new IllegalArgumentException("standby workers must be 0 or more, not " + standbyWorkers);
            }
        }

        /** As many spares as one attempt has workers: a restart then starts no JVM at all (docs/benchmarks.md). */
        public static int defaultStandbyWorkers(int parallelism) {
            return parallelism;
        }

        /**
         * Workers on loopback with the worker class path of this installation ({@link WorkerClassPath})
         * and a StreamJob's default heartbeats ({@link Heartbeats#defaults()}), no spares
         * ({@code weir local} keeps {@link #defaultStandbyWorkers} of them).
         */
        public static Settings defaults(Path logDir) {
            Heartbeats heartbeats = Heartbeats.defaults();
            return new Settings("127.0.0.1", heartbeats.interval(), heartbeats.timeout(), List.of(), logDir,
                    Map.of(), WorkerClassPath.forThisInstallation(), null, 0).withHeap(WorkerHeap.options(null, null));
        }

        /** The JVM options become {@code heapOptions} (see {@link WorkerHeap}) and {@link WorkerJvm#GC_OPTIONS}. */
        public Settings withHeap(List<String> heapOptions) {
            List<String> options = new ArrayList<>(heapOptions);
            options.addAll(WorkerJvm.GC_OPTIONS);
            return withJavaOptions(List.copyOf(options));
        }

        public Settings withJavaOptions(List<String> options) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, options, logDir, extraEnvironment,
                    classPath, classDataDirectory, standbyWorkers);
        }

        public Settings withHeartbeats(Duration interval, Duration timeout) {
            return new Settings(bindAddress, interval, timeout, javaOptions, logDir, extraEnvironment, classPath,
                    classDataDirectory, standbyWorkers);
        }

        public Settings withHeartbeats(Heartbeats heartbeats) {
            return withHeartbeats(heartbeats.interval(), heartbeats.timeout());
        }

        public Settings withExtraEnvironment(Map<String, String> environment) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, javaOptions, logDir, environment,
                    classPath, classDataDirectory, standbyWorkers);
        }

        public Settings withClassPath(WorkerClassPath workerClassPath) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, javaOptions, logDir, extraEnvironment,
                    workerClassPath, classDataDirectory, standbyWorkers);
        }

        /** Workers start from (and the first one records) a class-data archive kept in {@code directory}; null: none. */
        public Settings withClassDataArchive(Path directory) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, javaOptions, logDir, extraEnvironment,
                    classPath, directory, standbyWorkers);
        }

        /** Keeps {@code count} spare worker processes ready ({@link StandbyWorkers}); 0: none. */
        public Settings withStandbyWorkers(int count) {
            return new Settings(bindAddress, heartbeatInterval, heartbeatTimeout, javaOptions, logDir, extraEnvironment,
                    classPath, classDataDirectory, count);
        }

        /** Leaves out the environment's values: they may be credentials. */
        @Override
        public String toString() {
            return "Settings[bindAddress=" + bindAddress + ", heartbeatInterval=" + heartbeatInterval
                    + ", heartbeatTimeout=" + heartbeatTimeout + ", javaOptions=" + javaOptions + ", logDir=" + logDir
                    + ", extraEnvironment=" + extraEnvironment.keySet() + ", classPath=" + classPath
                    + ", classDataDirectory=" + classDataDirectory + ", standbyWorkers=" + standbyWorkers + "]";
        }
    }

    private final InProcessDeployer.JobSpecification job;
    private final WorkerStorage storage;
    private final CoordinatorServer server;
    private final Settings settings;
    private final JobMetrics metrics;
    private final String token = newToken();
    private final WorkerClassDataArchive classData;
    private final StandbyWorkers<StandbyInputs> standby;
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
        this.standby = settings.standbyWorkers() == 0 ? null
                : new StandbyWorkers<>(settings.standbyWorkers(), settings.logDir(), this::startStandby);
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

    /**
     * Starts the attempt's workers, spares first, new processes for the rest; they register with
     * {@code coordinator} through this process's server. Once all registered, the spares used are
     * replaced in the background.
     */
    @Override
    public Deployment deploy(long attempt, RestoreTarget restore, AttemptCoordinator coordinator) throws Exception {
        server.register(job.jobName(), token, new ProgressEndpoint(coordinator.endpoint(), metrics));
        Path logs = Files.createDirectories(settings.logDir().resolve("attempt-" + attempt));
        List<Process> processes = new ArrayList<>();
        try {
            for (int worker = 0; worker < job.parallelism(); worker++) {
                WorkerAssignment assignment = new WorkerAssignment(worker, attempt,
                        restore == null ? null : restore.location());
                Path log = logs.resolve("worker-" + worker + ".log");
                Process spare = standby == null ? null : assignSpare(assignment, log);
                processes.add(spare != null ? spare : start(assignment, log));
            }
        } catch (Exception e) {
            processes.forEach(Process::destroyForcibly);
            throw e;
        }
        current = List.copyOf(processes);
        if (standby != null) {
            refillOnceRegistered(coordinator);
        }
        return new WorkerProcesses(attempt, processes, coordinator, logs);
    }

    /** The worker processes of the latest attempt, index = worker (for operations and failure tests). */
    public List<ProcessHandle> currentWorkers() {
        return current.stream().map(Process::toHandle).toList();
    }

    /** The spare worker processes waiting now, oldest first (none when there are no spares). */
    public List<ProcessHandle> standbyWorkers() {
        return standby == null ? List.of() : standby.processes();
    }

    /** Stops the spares; the attempts' workers are the job master's to stop. */
    @Override
    public void close() {
        if (standby != null) {
            standby.close();
        }
    }

    /**
     * Hands {@code assignment} to a spare, whose log then also appears at the attempt's log path
     * (a symbolic link); null when no spare can take it.
     */
    private Process assignSpare(WorkerAssignment assignment, Path log) {
        while (true) {
            Optional<StandbyWorkers.Spare<StandbyInputs>> taken = standby.take(standbyInputs());
            if (taken.isEmpty()) {
                return null;
            }
            Process process = taken.get().process();
            try {
                OutputStream in = process.getOutputStream();
                in.write((assignment.toLine() + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                // It died just now: the next one, or a new process.
                LOG.debug("standby worker {} could not take its assignment: {}", taken.get().number(), e.toString());
                process.destroyForcibly();
                continue;
            }
            linkLog(log, taken.get().log());
            LOG.debug("worker {} of attempt {} is standby worker {} (pid {})", assignment.worker(), assignment.attempt(),
                    taken.get().number(), process.pid());
            return process;
        }
    }

    private static void linkLog(Path link, Path target) {
        try {
            // A log of an earlier run with this --state-dir: this attempt's is the spare's.
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, link.getParent().relativize(target));
        } catch (IOException | UnsupportedOperationException e) {
            try {
                Files.writeString(link, "this worker was a standby worker: its log is " + target + System.lineSeparator());
            } catch (IOException ignored) {
                // the log itself is still where the spare wrote it
            }
        }
    }

    /**
     * Once the attempt is under way the spares are made whole again: after its first completed
     * checkpoint, or {@link #REFILL_WITHOUT_CHECKPOINT} after every task ran for a job that
     * completes none. Not as soon as the workers register: new JVMs starting then compete for the
     * CPU with the attempt's own start and its first checkpoint, which matter more.
     */
    private void refillOnceRegistered(AttemptCoordinator coordinator) {
        Thread waiter = new Thread(() -> {
            long deadline = System.nanoTime() + REGISTRATION_TIMEOUT.toNanos();
            try {
                while (coordinator.registeredWorkers() < job.parallelism()) {
                    if (coordinator.outcome().isDone() || System.nanoTime() > deadline) {
                        return;
                    }
                    Thread.sleep(20);
                }
                long runningSince = 0;
                while (coordinator.lastCheckpoint() == null) {
                    if (coordinator.outcome().isDone()) {
                        return;
                    }
                    if (runningSince == 0 && coordinator.everyTaskRunning()) {
                        runningSince = System.nanoTime();
                    }
                    if (runningSince != 0 && System.nanoTime() - runningSince >= REFILL_WITHOUT_CHECKPOINT.toNanos()) {
                        break;
                    }
                    Thread.sleep(20);
                }
                standby.refill(standbyInputs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "weir-standby-refill-" + coordinator.attempt());
        waiter.setDaemon(true);
        waiter.start();
    }

    private Process start(WorkerAssignment assignment, Path log) throws IOException {
        boolean record = false;
        List<String> classDataOptions = List.of();
        if (classData != null) {
            // One recording per deployer: worker 0 of the first attempt that finds no archive.
            record = assignment.worker() == 0 && !recording;
            classDataOptions = classData.javaOptions(record);
            record = record && classDataOptions.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit"));
            recording |= record;
        }
        Process process = launch(command(classDataOptions), assignment.writeTo(jobEnvironment()).asText(), log);
        if (record) {
            process.onExit().thenRun(classData::recorded);
        }
        return process;
    }

    /**
     * Starts a spare: the job's environment only, and it waits for its assignment on its standard
     * input. It uses the class-data archive when there is one, but never records it.
     */
    private Process startStandby(StandbyInputs inputs, Path log) throws IOException {
        return launch(command(classData == null ? List.of() : classData.javaOptions(false)), inputs.environment(), log);
    }

    /**
     * What a spare must have been started with to serve this job now (the class-data archive
     * aside: it only speeds a start up).
     */
    private StandbyInputs standbyInputs() {
        return new StandbyInputs(command(List.of()), jobEnvironment().standby().asText());
    }

    private Process launch(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().putAll(settings.extraEnvironment());
        return builder.start();
    }

    private List<String> command(List<String> classDataOptions) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // Own session: a Ctrl-C at the terminal reaches `weir local`, which stops the job with a
            // savepoint, instead of killing the workers under it.
            command.add(SETSID.toString());
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(WorkerJvm.launchOptions());
        command.addAll(settings.javaOptions());
        command.addAll(classDataOptions);
        command.add("-cp");
        command.add(settings.classPath().asArgument());
        command.add("dev.weir.runtime.worker.WorkerMain");
        return command;
    }

    /** What worker {@code worker} of {@code attempt} is told (without the user's extra variables). */
    public WorkerEnvironment environment(long attempt, int worker, RestoreTarget restore) {
        return new WorkerAssignment(worker, attempt, restore == null ? null : restore.location())
                .writeTo(jobEnvironment());
    }

    /** What every worker of this job is told whatever its attempt (without the user's extra variables). */
    private WorkerEnvironment jobEnvironment() {
        WorkerEnvironment env = new WorkerEnvironment()
                .job(job.jobName(), job.className(), job.args().asMap(), job.parallelism(), job.maxParallelism(),
                        job.mode())
                .stateBackend(job.stateBackend())
                .coordinator(server.baseUri().toString())
                .token(token)
                .tls(server.tls() == null ? null : server.tls().directory().toString())
                .bindAddress(settings.bindAddress())
                // A worker bears the coordinator's silence as long as the coordinator bears a worker's;
                // it stops at once when this process is gone (a SIGKILL included): nothing takes over.
                .heartbeats(settings.heartbeatInterval(), settings.heartbeatTimeout())
                .coordinatorProcess(ProcessHandle.current().pid());
        if (job.jar() != null) {
            // With the content this process started the job with: every worker of every attempt loads
            // exactly that jar, or fails saying it changed. s3:// jars are cached in the default
            // directory, which this process has filled already.
            env.jobJar(job.jar().uri(), job.jar().sha256());
        }
        storage.writeTo(env);
        return env;
    }

    /**
     * A spare's command line and job-level environment: a spare started with other ones (another
     * parallelism, another jar or its checksum, other JVM options) is never used. Holds the token:
     * never printed.
     */
    private record StandbyInputs(List<String> command, Map<String, String> environment) {
        @Override
        public String toString() {
            return "StandbyInputs[" + command + ", " + environment.keySet() + "]";
        }
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
