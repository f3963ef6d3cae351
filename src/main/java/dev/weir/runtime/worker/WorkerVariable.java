package dev.weir.runtime.worker;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The environment variables that configure a worker process: the one list of their names.
 * {@link WorkerConfig#fromEnvironment} reads them; {@link WorkerEnvironment} writes them for the
 * operator's pods and for {@code weir local}'s worker processes.
 *
 * <p>Connectors read further variables of their own (e.g. {@code WEIR_JDBC_USER}); those are the
 * user's to set. The {@code WEIR_S3_*} connection variables are shared: the worker's checkpoint
 * storage uses them when it is S3, and the S3 connectors read the same ones.
 */
public enum WorkerVariable {
    JOB_NAME("WEIR_JOB_NAME"),
    JOB_CLASS("WEIR_JOB_CLASS"),
    /** The job jar ({@code spec.job.jarURI}); unset: the job class is on the worker's class path. */
    JOB_JAR_URI("WEIR_JOB_JAR_URI"),
    /** The SHA-256 the job jar must have (64 hex digits); unset: not verified. */
    JOB_JAR_SHA256("WEIR_JOB_JAR_SHA256"),
    /**
     * Where {@code s3://} job jars are downloaded to, kept by content; default
     * {@code $XDG_CACHE_HOME/weir/jars}. Pods use their {@code /tmp} emptyDir (the root filesystem
     * is read-only).
     */
    JOB_JAR_CACHE_DIR("WEIR_JOB_JAR_CACHE_DIR"),
    /** The job's arguments as one JSON object of strings. */
    JOB_ARGS("WEIR_JOB_ARGS"),
    PARALLELISM("WEIR_PARALLELISM"),
    MAX_PARALLELISM("WEIR_MAX_PARALLELISM"),
    WORKER_INDEX("WEIR_WORKER_INDEX"),
    ATTEMPT("WEIR_ATTEMPT"),
    /** {@code exactly-once} (default) or {@code at-least-once}. */
    CHECKPOINT_MODE("WEIR_CHECKPOINT_MODE"),
    /** {@code heap} (default) or {@code rocksdb}: where keyed operators keep their state. */
    STATE_BACKEND("WEIR_STATE_BACKEND"),
    /** {@code true}: incremental RocksDB checkpoints. */
    STATE_INCREMENTAL("WEIR_STATE_INCREMENTAL"),
    /** Where RocksDB databases live; default {@code $java.io.tmpdir/weir-rocksdb} (a pod's /tmp volume). */
    STATE_DIRECTORY("WEIR_STATE_DIRECTORY"),
    COORDINATOR_URL("WEIR_COORDINATOR_URL"),
    /** The job's control token itself ({@code weir local}); pods get {@link #JOB_TOKEN_FILE} instead. */
    JOB_TOKEN("WEIR_JOB_TOKEN"),
    /** A file holding the control token: a mounted Secret on Kubernetes. */
    JOB_TOKEN_FILE("WEIR_JOB_TOKEN_FILE"),
    BIND_ADDRESS("WEIR_BIND_ADDRESS"),
    /** The address peers and the coordinator reach this worker at (the pod IP on Kubernetes). */
    ADVERTISED_HOST("WEIR_ADVERTISED_HOST"),
    CONTROL_PORT("WEIR_CONTROL_PORT"),
    DATA_PORT("WEIR_DATA_PORT"),
    /** {@code s3://bucket} or a local directory. */
    STORAGE_URI("WEIR_STORAGE_URI"),
    /** The job's folder in the storage: {@code <prefix>/<namespace>/<job>}. */
    STORAGE_BASE("WEIR_STORAGE_BASE"),
    S3_ENDPOINT("WEIR_S3_ENDPOINT", true),
    S3_REGION("WEIR_S3_REGION", true),
    S3_PATH_STYLE("WEIR_S3_PATH_STYLE", true),
    S3_ACCESS_KEY("WEIR_S3_ACCESS_KEY", true),
    S3_SECRET_KEY("WEIR_S3_SECRET_KEY", true),
    /** The checkpoint or savepoint this attempt restores; unset for a fresh start. */
    RESTORE_FROM("WEIR_RESTORE_FROM"),
    HEARTBEAT_INTERVAL_MS("WEIR_HEARTBEAT_INTERVAL_MS"),
    /**
     * How long a worker keeps running without reaching its coordinator before it gives up (0 =
     * forever): the job's heartbeat timeout ({@code spec.restartPolicy.heartbeatTimeoutMs}), by
     * which the coordinator has counted the worker lost anyway. Long enough to ride out an operator
     * restart.
     */
    COORDINATOR_TIMEOUT_MS("WEIR_COORDINATOR_TIMEOUT_MS"),
    /**
     * The process id of a coordinator on the same machine that nobody replaces ({@code weir local}):
     * the worker stops as soon as that process is gone instead of waiting out the timeout.
     */
    COORDINATOR_PID("WEIR_COORDINATOR_PID"),
    /**
     * A directory holding {@code tls.crt}, {@code tls.key} and {@code ca.crt} (a mounted TLS
     * Secret): the control and data planes then use mutual TLS, and the coordinator's URL is
     * {@code https}. Unset: plain HTTP and TCP.
     */
    TLS_DIR("WEIR_TLS_DIR"),
    /**
     * {@code true}: a standby worker ({@code weir local}'s spares): started with the job's
     * variables only, it prepares the job and then waits for its {@link WorkerAssignment} (worker
     * index, attempt, restore) as one line on its standard input.
     */
    STANDBY("WEIR_STANDBY");

    private final String envName;
    private final boolean s3Connection;

    WorkerVariable(String envName) {
        this(envName, false);
    }

    WorkerVariable(String envName, boolean s3Connection) {
        this.envName = envName;
        this.s3Connection = s3Connection;
    }

    /** The variable's name in the environment, e.g. {@code WEIR_ATTEMPT}. */
    public String envName() {
        return envName;
    }

    /** One of the {@code WEIR_S3_*} variables, which the S3 connectors read too. */
    public boolean isS3Connection() {
        return s3Connection;
    }

    public static Optional<WorkerVariable> named(String envName) {
        return Arrays.stream(values()).filter(v -> v.envName.equals(envName)).findFirst();
    }

    /**
     * The names a user-supplied variable (a pod template's {@code env}, {@code weir local --env})
     * must not take, because Weir sets them: all of them, except the {@code WEIR_S3_*} connection
     * variables when the job's checkpoints do not go to S3 (they are then free for the S3
     * connectors).
     */
    public static Set<String> reservedNames(boolean checkpointsInS3) {
        return Arrays.stream(values()).filter(v -> checkpointsInS3 || !v.s3Connection).map(WorkerVariable::envName)
                .collect(Collectors.toUnmodifiableSet());
    }
}
