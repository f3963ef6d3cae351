package dev.weir.runtime.worker;

import static dev.weir.runtime.worker.WorkerVariable.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.storage.S3Settings;
import dev.weir.runtime.usercode.JobJarResolver;

/**
 * Everything a worker process is told, read from its environment: the {@link WorkerVariable}s
 * that {@link WorkerEnvironment} writes (the operator into the Pod spec, {@code weir local} into
 * the child process). Errors name the variable.
 */
public record WorkerConfig(
        String jobName,
        String jobClass,
        String jobJarUri,
        String jobJarSha256,
        Path jobJarCacheDir,
        Map<String, String> jobArgs,
        int parallelism,
        int maxParallelism,
        int worker,
        long attempt,
        CheckpointingMode mode,
        String coordinatorUrl,
        String token,
        String bindAddress,
        String advertisedHost,
        int controlPort,
        int dataPort,
        String storageUri,
        String storageBase,
        S3Settings s3,
        String restoreFrom,
        long heartbeatIntervalMs,
        long coordinatorTimeoutMs,
        long coordinatorPid,
        StateBackendSettings stateBackend,
        Path tlsDirectory) {

    /** {@code spec.restartPolicy}'s default heartbeat timeout: what a worker bears from a coordinator that is silent. */
    static final int DEFAULT_COORDINATOR_TIMEOUT_MS = 50_000;

    /** Leaves the token and S3 keys out: this string may be logged. */
    @Override
    public String toString() {
        return "WorkerConfig[job=" + jobName + ", class=" + jobClass
                + (jobJarUri == null ? "" : ", jar=" + jobJarUri) + ", worker=" + worker + "/" + parallelism
                + ", attempt=" + attempt + ", coordinator=" + coordinatorUrl + ", storage=" + storageUri + "/"
                + storageBase + ", restoreFrom=" + restoreFrom + ", stateBackend=" + stateBackend
                + (tlsDirectory == null ? "" : ", tls=" + tlsDirectory) + "]";
    }

    /** A freshly started worker's configuration: the job's variables and its {@link WorkerAssignment}'s. */
    public static WorkerConfig fromEnvironment(Function<String, String> env) {
        return read(env, WorkerAssignment.fromEnvironment(env));
    }

    /**
     * A standby worker's configuration: the job's variables only; worker index and attempt are -1
     * and no restore is set until {@link #assigned} gives them. Only what depends on the job alone
     * may be done with it ({@link WorkerPreparation}).
     */
    public static WorkerConfig forStandby(Function<String, String> env) {
        return read(env, new WorkerAssignment(-1, -1, null));
    }

    /** This configuration for worker {@code assignment.worker()} of {@code assignment.attempt()}. */
    public WorkerConfig assigned(WorkerAssignment assignment) {
        return new WorkerConfig(jobName, jobClass, jobJarUri, jobJarSha256, jobJarCacheDir, jobArgs, parallelism,
                maxParallelism, assignment.worker(), assignment.attempt(), mode, coordinatorUrl, token, bindAddress,
                advertisedHost, controlPort, dataPort, storageUri, storageBase, s3, assignment.restoreFrom(),
                heartbeatIntervalMs, coordinatorTimeoutMs, coordinatorPid, stateBackend, tlsDirectory);
    }

    private static WorkerConfig read(Function<String, String> env, WorkerAssignment assignment) {
        Reader r = new Reader(env);
        String token = r.optional(JOB_TOKEN, null);
        if (token == null) {
            String file = r.required(JOB_TOKEN_FILE);
            try {
                token = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new IllegalArgumentException(JOB_TOKEN_FILE.envName() + ": cannot read " + file + ": "
                        + e.getMessage());
            }
        }
        String s3Endpoint = r.optional(S3_ENDPOINT, null);
        S3Settings s3 = s3Endpoint == null ? null : new S3Settings(s3Endpoint, "unused", r.optional(S3_REGION, null),
                Boolean.parseBoolean(r.optional(S3_PATH_STYLE, "true")), r.required(S3_ACCESS_KEY),
                r.required(S3_SECRET_KEY), "");
        String bind = r.optional(BIND_ADDRESS, "0.0.0.0");
        return new WorkerConfig(
                r.required(JOB_NAME),
                r.required(JOB_CLASS),
                r.optional(JOB_JAR_URI, null),
                r.optional(JOB_JAR_SHA256, null),
                Path.of(r.optional(JOB_JAR_CACHE_DIR, JobJarResolver.defaultCacheDirectory().toString())),
                r.jsonMap(JOB_ARGS),
                r.integer(PARALLELISM, null),
                r.integer(MAX_PARALLELISM, 128),
                assignment.worker(),
                assignment.attempt(),
                WorkerEnvironment.AT_LEAST_ONCE.equals(r.optional(CHECKPOINT_MODE, WorkerEnvironment.EXACTLY_ONCE))
                        ? CheckpointingMode.AT_LEAST_ONCE : CheckpointingMode.EXACTLY_ONCE,
                r.required(COORDINATOR_URL),
                token,
                bind,
                r.optional(ADVERTISED_HOST, bind.equals("0.0.0.0") ? hostName() : bind),
                r.integer(CONTROL_PORT, 0),
                r.integer(DATA_PORT, 0),
                r.required(STORAGE_URI),
                r.required(STORAGE_BASE),
                s3,
                assignment.restoreFrom(),
                r.integer(HEARTBEAT_INTERVAL_MS, 1000),
                r.integer(COORDINATOR_TIMEOUT_MS, DEFAULT_COORDINATOR_TIMEOUT_MS),
                r.longInteger(COORDINATOR_PID, 0),
                stateBackend(r),
                r.optional(TLS_DIR, null) == null ? null : Path.of(r.optional(TLS_DIR, null)));
    }

    private static StateBackendSettings stateBackend(Reader r) {
        String backend = r.optional(STATE_BACKEND, WorkerEnvironment.HEAP);
        if (backend.equals(WorkerEnvironment.HEAP)) {
            return Boolean.parseBoolean(r.optional(STATE_INCREMENTAL, "false")) ? StateBackendSettings.HEAP_INCREMENTAL
                    : StateBackendSettings.HEAP;
        }
        if (!backend.equals(WorkerEnvironment.ROCKSDB)) {
            throw new IllegalArgumentException(STATE_BACKEND.envName() + " must be " + WorkerEnvironment.HEAP + " or "
                    + WorkerEnvironment.ROCKSDB + " (got \"" + backend + "\")");
        }
        boolean incremental = Boolean.parseBoolean(r.optional(STATE_INCREMENTAL, "false"));
        String directory = r.optional(STATE_DIRECTORY, null);
        return directory == null ? StateBackendSettings.rocksDb(incremental)
                : new StateBackendSettings(StateBackendSettings.Kind.ROCKSDB, incremental, Path.of(directory));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private record Reader(Function<String, String> env) {
        String optional(WorkerVariable variable, String defaultValue) {
            String value = env.apply(variable.envName());
            return value == null || value.isBlank() ? defaultValue : value;
        }

        String required(WorkerVariable variable) {
            String value = optional(variable, null);
            if (value == null) {
                throw new IllegalArgumentException(variable.envName() + " is not set");
            }
            return value;
        }

        int integer(WorkerVariable variable, Integer defaultValue) {
            String value = defaultValue == null ? required(variable) : optional(variable, defaultValue.toString());
            return number(variable, value, Integer::valueOf);
        }

        long longInteger(WorkerVariable variable, long defaultValue) {
            return number(variable, optional(variable, Long.toString(defaultValue)), Long::valueOf);
        }

        private static <T> T number(WorkerVariable variable, String value, Function<String, T> parser) {
            try {
                return parser.apply(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(variable.envName() + " must be an integer (got \"" + value + "\")");
            }
        }

        Map<String, String> jsonMap(WorkerVariable variable) {
            String value = optional(variable, "{}");
            try {
                return new ObjectMapper().readValue(value, new TypeReference<Map<String, String>>() {});
            } catch (IOException e) {
                throw new IllegalArgumentException(variable.envName() + " must be a JSON object of strings: "
                        + e.getMessage());
            }
        }
    }
}
