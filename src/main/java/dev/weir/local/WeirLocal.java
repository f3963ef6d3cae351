package dev.weir.local;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.api.JobSpec;
import dev.weir.api.StreamJobSpec;
import dev.weir.cli.CommandLines;
import dev.weir.coordinator.AttemptFailure;
import dev.weir.coordinator.BothListeners;
import dev.weir.coordinator.CheckpointConfigs;
import dev.weir.coordinator.StateBackendConfigs;
import dev.weir.runtime.worker.WorkerJvm;
import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobDeployer;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.worker.transport.ControlServerLimits;
import dev.weir.coordinator.rest.JobMasterRestJob;
import dev.weir.coordinator.rest.JobRestRoutes;
import dev.weir.coordinator.rest.JobStatusTracker;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.Heartbeats;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.coordinator.RestoreTarget;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.CompletedCheckpointRef;
import dev.weir.runtime.storage.S3Settings;
import dev.weir.runtime.storage.StorageRefusedException;
import dev.weir.runtime.usercode.JobJarResolver;
import dev.weir.runtime.usercode.LocalJobJar;
import picocli.CommandLine;

/**
 * {@code weir local}: runs a StreamJob manifest on this machine, with the coordinator in this
 * process, and prints one JSON summary line on stdout when the job ends.
 */
public final class WeirLocal {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WeirLocal() {}

    /**
     * Runs {@code weir local} with these command-line arguments; returns the process exit code (0
     * finished, 1 failed, 2 bad input).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.configure(new CommandLine(new LocalCommand(out, err)), out, err)
                .setCommandName("weir local").execute(args);
    }

    /**
     * Ends the JVM with the exit code of {@code weir local}: at once, or, while a signal stops the job,
     * through the shutdown hook once the run is over (System.exit would block then).
     */
    public static void exit(int code) {
        if (StopOnSignal.shuttingDown()) {
            StopOnSignal.exit(code);
        } else {
            System.exit(code);
        }
    }

    /** Runs a job with parsed options; returns the process exit code. */
    static int run(LocalOptions options, PrintStream out, PrintStream err) {
        StreamJobManifest manifest;
        try {
            manifest = new ManifestLoader().load(options.manifest());
        } catch (InvalidManifestException e) {
            err.println("weir local: invalid StreamJob manifest: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("weir local: cannot read manifest: " + e.getMessage());
            return 2;
        }
        // A jar on this machine is checked before the store starts (seconds, and ./weir-state) for nothing.
        JarOutcome localJar = isLocalJar(manifest.spec().getJob()) ? jobJar(manifest, null, err) : JarOutcome.NONE;
        if (localJar.exitCode() != 0) {
            return localJar.exitCode();
        }
        if (localJar.jar() != null || manifest.spec().getJob().getJarURI() == null) {
            Integer failed = failsPreflight(manifest, options, localJar.jar(), out, err);
            if (failed != null) {
                return failed;
            }
        }
        LocalStorage storage;
        try {
            storage = LocalStorage.open(manifest, options.stateDir());
        } catch (IllegalArgumentException | StorageRefusedException e) {
            // No credentials, wrong ones, no such bucket: the settings must change (exit code rule: README).
            err.println("weir local: checkpoint storage: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            // Unreachable or failing: it may pass, so not bad input.
            err.println("weir local: checkpoint storage: " + e.getMessage());
            return 1;
        }
        try (storage) {
            return runJob(manifest, options, storage, localJar.jar(), out, err);
        } catch (StorageRefusedException e) {
            err.println("weir local: checkpoint storage: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("weir local: checkpoint storage: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("weir local: interrupted");
            return 1;
        }
    }

    private static int runJob(StreamJobManifest manifest, LocalOptions options, LocalStorage localStorage,
                              LocalJobJar localJar, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        CheckpointStorage storage = localStorage.storage();
        StreamJobSpec spec = manifest.spec();
        RestoreTarget restore;
        try {
            restore = resolveRestore(options.restore(), spec.getInitialSavepointPath(), storage);
        } catch (IllegalArgumentException e) {
            err.println("weir local: " + e.getMessage());
            return 2;
        }
        if (restore == null && !storage.completedCheckpointIds().isEmpty()) {
            err.printf("weir local: starting %s from empty state; completed checkpoints of an earlier run exist in %s"
                    + " (use --restore latest to resume from them)%n", manifest.name(), storage.store().describe());
        }
        JobMetrics metrics = new JobMetrics();
        LocalJobJar jar = localJar;
        if (jar == null) {
            JarOutcome downloaded = jobJar(manifest, localStorage.forWorkers().s3(), err);
            if (downloaded.exitCode() != 0) {
                return downloaded.exitCode();
            }
            jar = downloaded.jar();
            Integer failed = failsPreflight(manifest, options, jar, out, err);
            if (failed != null) {
                return failed;
            }
        }
        InProcessDeployer.JobSpecification job = specification(manifest, options, jar);
        JobMaster.Settings settings = new JobMaster.Settings(manifest.name(), job.parallelism(), job.maxParallelism(),
                CheckpointConfigs.of(spec.getCheckpointing()), RestartStrategy.Settings.of(spec.getRestartPolicy()));
        long start = System.nanoTime();
        JobResult result = null;
        try (ProgressReporter progress = new ProgressReporter(manifest.name(), metrics, err, options.progress(),
                settings.checkpoint().intervalMs(), Clock.system());
             CoordinatorServer server = new CoordinatorServer(
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), options.restPort()),
                     ControlServerLimits.coordinator(), options.tlsDirectory() == null ? null
                             : TransportTls.fromDirectory(options.tlsDirectory()))) {
            JobDeployer deployer;
            try {
                deployer = options.inProcess() ? new InProcessDeployer(job, storage, metrics)
                        : new WorkerProcessDeployer(job, localStorage.forWorkers(), server,
                                WorkerProcessDeployer.Settings.defaults(
                                        options.stateDir().toAbsolutePath().resolve("logs").resolve(manifest.name()))
                                        .withHeap(WorkerHeap.options(options.workerHeap(), spec.getResources(),
                                                WorkerJvm.heapPercent(job.stateBackend())))
                                        .withHeartbeats(Heartbeats.of(spec.getRestartPolicy()))
                                        .withExtraEnvironment(options.environment())
                                        .withClassDataArchive(WorkerClassDataArchive.defaultDirectory())
                                        .withStandbyWorkers(options.standbyWorkers(job.parallelism())),
                                metrics);
            } catch (IllegalArgumentException e) {
                err.println("weir local: job " + manifest.name() + ": " + e.getMessage());
                return 2;
            }
            JobStatusTracker tracker = new JobStatusTracker(manifest.name(), Clock.system());
            JobMaster master = new JobMaster(settings, storage, deployer, Clock.system(),
                    new BothListeners(progress, tracker));
            Path endpointFile = serveRestApi(server, manifest.name(), new JobMasterRestJob(master, tracker),
                    options.stateDir(), options.progress() ? err : null, err);
            try (StopOnSignal signals = new StopOnSignal(manifest.name(), master, err)) {
                try {
                    result = master.run(restore);
                } finally {
                    if (deployer instanceof WorkerProcessDeployer processes) {
                        // the spares: the attempts' workers are gone with the job
                        processes.close();
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                out.println(JSON.writeValueAsString(summary(manifest, options, job, result, metrics, seconds,
                        progress.timeline(), System.currentTimeMillis())));
                out.flush();
            } finally {
                if (result != null) {
                    tracker.ended(result);
                }
                if (endpointFile != null) {
                    Files.deleteIfExists(endpointFile);
                }
            }
        }
        return ending(manifest.name(), result, err);
    }

    private static InProcessDeployer.JobSpecification specification(StreamJobManifest manifest, LocalOptions options,
                                                                    LocalJobJar jar) {
        StreamJobSpec spec = manifest.spec();
        return new InProcessDeployer.JobSpecification(manifest.name(),
                spec.getJob().getClassName(), new JobArgs(spec.getJob().getArgs()), spec.getJob().getParallelism(),
                spec.getJob().getMaxParallelism(), CheckpointConfigs.mode(spec.getCheckpointing()), jar,
                StateBackendConfigs.of(spec.getStateBackend(),
                        options.stateDir().toAbsolutePath().resolve("rocksdb").resolve(manifest.name())));
    }

    /**
     * Builds the job's graph here before anything starts ({@link JobPreflight}); when it cannot be
     * built the run ends as a failed one would, at once: the summary line, the reason, exit code 2.
     * Null when the job can start.
     */
    private static Integer failsPreflight(StreamJobManifest manifest, LocalOptions options, LocalJobJar jar,
                                          PrintStream out, PrintStream err) {
        long start = System.nanoTime();
        InProcessDeployer.JobSpecification job = specification(manifest, options, jar);
        Optional<AttemptFailure> failure = JobPreflight.check(job);
        if (failure.isEmpty()) {
            return null;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        JobResult result = new JobResult(JobResult.JobState.FAILED, 0, 0, 0, 0, null, null, null,
                failure.get().describe(), failure.get(), millis);
        try {
            out.println(JSON.writeValueAsString(summary(manifest, options, job, result, new JobMetrics(), millis / 1000.0,
                    new CheckpointTimeline(System.currentTimeMillis()), System.currentTimeMillis())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
        return ending(manifest.name(), result, err);
    }

    /**
     * What the user reads last, and the exit code: 0 finished or stopped with a savepoint; 1 failed,
     * or stopped without a savepoint (a signal during a restart backoff or while storage was down):
     * the job resumes from its latest checkpoint; 2 failed for a mistake no restart heals (its class,
     * jar, an argument or setting): bad input.
     */
    private static int ending(String name, JobResult result, PrintStream err) {
        switch (result.state()) {
            case FINISHED:
                return 0;
            case SUSPENDED:
                err.println("weir local: job " + name + " stopped; resume it with --restore "
                        + result.lastSavepoint().location());
                return 0;
            case CANCELED:
                String latest = result.lastCheckpoint() != null ? result.lastCheckpoint().location() : result.restoredFrom();
                err.println("weir local: job " + name + " stopped without a savepoint: " + result.failure());
                err.println(latest == null ? "weir local: it completed no checkpoint; a new run starts from empty state"
                        : "weir local: resume it with --restore latest (its latest checkpoint: " + latest + ")");
                return 1;
            default:
                err.println("weir local: job " + name + " failed: " + result.failure());
                // A failure no restart can heal is the job's own (its class, jar, a setting): bad input.
                return result.cause() != null && !result.cause().recoverable() ? 2 : 1;
        }
    }

    /**
     * Serves the job's REST API on the coordinator's server and writes where it is (with the token
     * its actions need) into the state directory, for the {@code weir} commands; says where, and
     * where the dashboard is, on {@code info} (null with --quiet: then stderr has only what went
     * wrong). Returns that file; null if it could not be written (the API is served all the same).
     */
    private static Path serveRestApi(CoordinatorServer server, String jobName, JobMasterRestJob job, Path stateDir,
                                     PrintStream info, PrintStream err) {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        JobRestRoutes routes = new JobRestRoutes();
        routes.serve(jobName, job, token);
        server.serveRestApi(routes);
        java.net.URI url = server.baseUri();
        if (info != null) {
            info.println("weir local: REST API of " + jobName + " at " + url + "/v1/jobs/" + jobName);
            if (server.tls() == null) {
                info.println("weir local: dashboard of " + jobName + " at " + dashboardUrl(url, jobName, token));
            }
        }
        try {
            return new RestEndpointFile(jobName, url, token).write(stateDir.toAbsolutePath());
        } catch (IOException e) {
            err.println("weir local: cannot write the REST endpoint into " + stateDir + " (" + e.getMessage()
                    + "); 'weir jobs' will not find this job");
            return null;
        }
    }

    /**
     * The dashboard's address (docs/dashboard.md) with the job's token in the fragment: the page
     * reads it there to take actions, and browsers never send a fragment, so it stays out of
     * requests and access logs. Only on loopback, where this process listens; with TLS the
     * endpoint asks for a client certificate that a browser does not have, so none is printed.
     */
    static String dashboardUrl(java.net.URI endpoint, String jobName, String token) {
        return endpoint + "/#job=" + jobName + "&token=" + token;
    }

    /**
     * The job jar, checked (or downloaded) here once, with its checksum: every attempt and worker
     * then loads exactly this content; none when the job class is on Weir's class path. A jar that
     * cannot be had is reported on {@code err}, and the outcome carries the exit code.
     */
    private static JarOutcome jobJar(StreamJobManifest manifest, S3Settings s3, PrintStream err) {
        JobSpec job = manifest.spec().getJob();
        if (job.getJarURI() == null) {
            return JarOutcome.NONE;
        }
        try {
            return new JarOutcome(new JobJarResolver(s3, JobJarResolver.defaultCacheDirectory())
                    .resolve(job.getJarURI(), job.getJarSha256()).withSha256(), 0);
        } catch (UnrecoverableJobException | IOException e) {
            err.println("weir local: job " + manifest.name() + ": " + e.getMessage());
            // A jar that can never be used is bad input; a download that failed may work later.
            return new JarOutcome(null, e instanceof UnrecoverableJobException ? 2 : 1);
        }
    }

    /** The job jar (null: the job class is on Weir's class path), or the exit code of why there is none. */
    private record JarOutcome(LocalJobJar jar, int exitCode) {
        static final JarOutcome NONE = new JarOutcome(null, 0);
    }

    /** A jar read from this machine, not downloaded from the job's storage. */
    private static boolean isLocalJar(JobSpec job) {
        return job.getJarURI() != null && !job.getJarURI().startsWith("s3://");
    }

    static RestoreTarget resolveRestore(String restore, String initialSavepointPath, CheckpointStorage storage)
            throws IOException {
        String wanted = restore != null ? restore : initialSavepointPath;
        if (wanted == null) {
            return null;
        }
        if (wanted.equals("latest")) {
            Optional<CompletedCheckpointRef> latest = storage.findLatestRestorePoint();
            if (latest.isEmpty()) {
                throw new IllegalArgumentException("--restore latest: no completed checkpoint or savepoint found in "
                        + storage.store().describe() + "/" + storage.basePath());
            }
            return new RestoreTarget(latest.get().location(), latest.get().metadata());
        }
        try {
            return new RestoreTarget(wanted, storage.readMetadata(wanted));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot restore from " + wanted + ": " + e.getMessage());
        }
    }

    static Map<String, Object> summary(StreamJobManifest manifest, LocalOptions options,
                                       InProcessDeployer.JobSpecification job, JobResult result, JobMetrics metrics,
                                       double seconds, CheckpointTimeline checkpoints, long nowMillis) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("job", manifest.name());
        line.put("state", result.state().name());
        line.put("parallelism", job.parallelism());
        line.put("mode", options.inProcess() ? "in-process" : "workers");
        line.put("seconds", Math.round(seconds * 1000) / 1000.0);
        line.put("source_records", metrics.sourceRecords());
        line.put("sink_records", metrics.sinkRecords());
        line.put("records_per_s", Math.round(metrics.sourceRecords() / Math.max(seconds, 1e-9)));
        line.put("checkpoints_completed", result.checkpointsCompleted());
        line.put("checkpoints_failed", result.checkpointsFailed());
        // A stall shows after the fact: how soon the first checkpoint came, and the longest any was
        // pending (one aborted as the job ended counts up to then).
        line.put("first_checkpoint_s", checkpoints.firstCompletedAfterMs().map(ms -> ms / 1000.0).orElse(null));
        line.put("longest_pending_checkpoint_ms", checkpoints.longestPendingMs(nowMillis));
        if (result.lastCheckpoint() != null) {
            Map<String, Object> cp = new LinkedHashMap<>();
            cp.put("id", result.lastCheckpoint().checkpointId());
            cp.put("path", result.lastCheckpoint().location());
            cp.put("duration_ms", result.lastCheckpoint().durationMs());
            cp.put("size_bytes", result.lastCheckpoint().stateSize());
            cp.put("alignment_ms", result.lastCheckpoint().timings().alignmentMsMax());
            cp.put("sync_ms", result.lastCheckpoint().timings().syncMsMax());
            cp.put("async_ms", result.lastCheckpoint().timings().asyncMsMax());
            line.put("last_checkpoint", cp);
        }
        if (result.lastSavepoint() != null) {
            Map<String, Object> sp = new LinkedHashMap<>();
            sp.put("id", result.lastSavepoint().checkpointId());
            sp.put("path", result.lastSavepoint().location());
            line.put("savepoint", sp);
        }
        line.put("attempts", result.attempts());
        line.put("restarts", result.restarts());
        line.put("restored_from", result.restoredFrom());
        if (result.failure() != null) {
            line.put("error", result.failure());
        }
        return line;
    }
}
