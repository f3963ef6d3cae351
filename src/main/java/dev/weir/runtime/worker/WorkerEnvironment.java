package dev.weir.runtime.worker;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.state.StateBackendSettings;

/**
 * The writing side of the worker's configuration contract: what a deployer (the operator's pod,
 * {@code weir local}'s process) tells one worker, as {@link WorkerVariable}s, in the formats
 * {@link WorkerConfig#fromEnvironment} reads. A value is either text or, for a pod, a reference
 * the kubelet resolves (a Secret's key, a field of the pod), so no secret is written into a pod spec.
 */
public final class WorkerEnvironment {

    /** What a variable is set to. */
    public sealed interface Value permits Text, SecretKey, PodField {}

    public record Text(String value) implements Value {
        public Text {
            java.util.Objects.requireNonNull(value, "value");
        }
    }

    /** A key of a Kubernetes Secret in the job's namespace. */
    public record SecretKey(String secret, String key) implements Value {}

    /** A field of the worker's own pod (the downward API), e.g. {@code status.podIP}. */
    public record PodField(String path) implements Value {}

    static final String AT_LEAST_ONCE = "at-least-once";
    static final String EXACTLY_ONCE = "exactly-once";
    static final String HEAP = "heap";
    static final String ROCKSDB = "rocksdb";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<WorkerVariable, Value> values = new LinkedHashMap<>();

    public WorkerEnvironment job(String jobName, String className, Map<String, String> args, int parallelism,
                                 int maxParallelism, CheckpointingMode mode) {
        text(WorkerVariable.JOB_NAME, jobName);
        text(WorkerVariable.JOB_CLASS, className);
        text(WorkerVariable.JOB_ARGS, json(args == null ? Map.of() : args));
        text(WorkerVariable.PARALLELISM, Integer.toString(parallelism));
        text(WorkerVariable.MAX_PARALLELISM, Integer.toString(maxParallelism));
        text(WorkerVariable.CHECKPOINT_MODE, mode == CheckpointingMode.AT_LEAST_ONCE ? AT_LEAST_ONCE : EXACTLY_ONCE);
        return this;
    }

    /** The keyed-state backend; the heap with full snapshots writes nothing (the default). */
    public WorkerEnvironment stateBackend(StateBackendSettings settings) {
        if (settings.kind() == StateBackendSettings.Kind.HEAP) {
            return settings.incremental() ? text(WorkerVariable.STATE_INCREMENTAL, "true") : this;
        }
        text(WorkerVariable.STATE_BACKEND, ROCKSDB);
        text(WorkerVariable.STATE_INCREMENTAL, Boolean.toString(settings.incremental()));
        return settings.localDirectory() == null ? this
                : text(WorkerVariable.STATE_DIRECTORY, settings.localDirectory().toString());
    }

    /** The job jar and, when known, the SHA-256 it must have; a null uri writes nothing (the class path). */
    public WorkerEnvironment jobJar(String uri, String sha256) {
        if (uri == null) {
            return this;
        }
        text(WorkerVariable.JOB_JAR_URI, uri);
        return sha256 == null ? this : text(WorkerVariable.JOB_JAR_SHA256, sha256);
    }

    /** Where the worker keeps downloaded job jars. */
    public WorkerEnvironment jobJarCache(String directory) {
        return text(WorkerVariable.JOB_JAR_CACHE_DIR, directory);
    }

    public WorkerEnvironment worker(int index, long attempt) {
        text(WorkerVariable.WORKER_INDEX, Integer.toString(index));
        return text(WorkerVariable.ATTEMPT, Long.toString(attempt));
    }

    public WorkerEnvironment coordinator(String url) {
        return text(WorkerVariable.COORDINATOR_URL, url);
    }

    public WorkerEnvironment token(String token) {
        return text(WorkerVariable.JOB_TOKEN, token);
    }

    public WorkerEnvironment tokenFile(String path) {
        return text(WorkerVariable.JOB_TOKEN_FILE, path);
    }

    /** Where the worker listens; its advertised host defaults to the bind address (or the host name for 0.0.0.0). */
    public WorkerEnvironment bindAddress(String address) {
        return text(WorkerVariable.BIND_ADDRESS, address);
    }

    public WorkerEnvironment advertisedHost(Value host) {
        return set(WorkerVariable.ADVERTISED_HOST, host);
    }

    /** Fixed ports; without them the worker takes free ones. */
    public WorkerEnvironment ports(int control, int data) {
        text(WorkerVariable.CONTROL_PORT, Integer.toString(control));
        return text(WorkerVariable.DATA_PORT, Integer.toString(data));
    }

    public WorkerEnvironment storage(String uri, String base) {
        text(WorkerVariable.STORAGE_URI, uri);
        return text(WorkerVariable.STORAGE_BASE, base);
    }

    /** Checkpoint storage on S3; {@code region} may be null. */
    public WorkerEnvironment s3(String endpoint, String region, boolean pathStyle, Value accessKey, Value secretKey) {
        text(WorkerVariable.S3_ENDPOINT, endpoint);
        if (region != null) {
            text(WorkerVariable.S3_REGION, region);
        }
        text(WorkerVariable.S3_PATH_STYLE, Boolean.toString(pathStyle));
        set(WorkerVariable.S3_ACCESS_KEY, accessKey);
        return set(WorkerVariable.S3_SECRET_KEY, secretKey);
    }

    /** The checkpoint or savepoint to restore; null: a fresh start (nothing is written). */
    public WorkerEnvironment restoreFrom(String location) {
        return location == null ? this : text(WorkerVariable.RESTORE_FROM, location);
    }

    public WorkerEnvironment heartbeats(Duration interval, Duration coordinatorTimeout) {
        text(WorkerVariable.HEARTBEAT_INTERVAL_MS, Long.toString(interval.toMillis()));
        return text(WorkerVariable.COORDINATOR_TIMEOUT_MS, Long.toString(coordinatorTimeout.toMillis()));
    }

    /** The coordinator runs in process {@code pid} on this machine and nothing takes over when it ends. */
    public WorkerEnvironment coordinatorProcess(long pid) {
        return text(WorkerVariable.COORDINATOR_PID, Long.toString(pid));
    }

    /** Mutual TLS on both planes with the TLS Secret mounted at {@code directory}; null writes nothing (plain). */
    public WorkerEnvironment tls(String directory) {
        return directory == null ? this : text(WorkerVariable.TLS_DIR, directory);
    }

    /** A standby worker: it reads its assignment from its standard input ({@link WorkerAssignment#toLine()}). */
    public WorkerEnvironment standby() {
        return text(WorkerVariable.STANDBY, "true");
    }

    /** Everything written so far, in the order written. */
    public Map<WorkerVariable, Value> values() {
        return Collections.unmodifiableMap(values);
    }

    /** As environment variables of a process; every value must be text (references need a kubelet). */
    public Map<String, String> asText() {
        Map<String, String> env = new LinkedHashMap<>();
        values.forEach((variable, value) -> {
            if (!(value instanceof Text text)) {
                throw new IllegalStateException(variable.envName() + " is a reference (" + value.getClass().getSimpleName()
                        + "), which only a pod can resolve");
            }
            env.put(variable.envName(), text.value());
        });
        return env;
    }

    /** Leaves values out: some are credentials. */
    @Override
    public String toString() {
        return "WorkerEnvironment" + values.keySet();
    }

    private WorkerEnvironment text(WorkerVariable variable, String value) {
        return set(variable, new Text(value));
    }

    private WorkerEnvironment set(WorkerVariable variable, Value value) {
        values.put(variable, value);
        return this;
    }

    private static String json(Map<String, String> args) {
        try {
            return JSON.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write job args as JSON", e);
        }
    }
}
