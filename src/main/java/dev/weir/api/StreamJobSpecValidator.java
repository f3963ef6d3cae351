package dev.weir.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks the rules a StreamJob spec must meet beyond its types. Returns every problem at once,
 * each as {@code field.path: problem}, so `weir local` can print them all and the operator can
 * put them in a Ready=False condition instead of failing on the first.
 */
public final class StreamJobSpecValidator {

    public static final int MAX_MAX_PARALLELISM = 32_768;
    public static final long MIN_CHECKPOINT_INTERVAL_MS = 100;

    private static final Pattern CLASS_NAME =
            Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");
    // The shape of a Kubernetes resource quantity: a number with an optional binary/decimal suffix or exponent.
    private static final Pattern QUANTITY = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\\d+)?");
    // S3 bucket naming rules (the subset that matters for a typo): 3-63 chars, lowercase, digits, '.', '-'.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private static final Pattern SHA256 = Pattern.compile(JobSpec.SHA256_PATTERN);
    private static final String CLUSTER_JARS = "local:///path/in/the/image.jar (a jar inside spec.image)"
            + " or s3://bucket/key.jar";

    /** Where the StreamJob runs: a few fields mean something on one side only. */
    public enum Target {
        /** The operator: job jars come from the worker image (local://) or from S3. */
        KUBERNETES,
        /** {@code weir local}: also file:// jars and paths relative to the manifest. */
        WEIR_LOCAL
    }

    private final List<String> problems = new ArrayList<>();
    private final Target target;

    private StreamJobSpecValidator(Target target) {
        this.target = target;
    }

    /** The rules of a cluster, which are also the strictest: see {@link #validate(StreamJobSpec, Target)}. */
    public static List<String> validate(StreamJobSpec spec) {
        return validate(spec, Target.KUBERNETES);
    }

    /** Returns the problems found in {@code spec} ("spec.job.parallelism: must be >= 1 (got 0)"); empty when valid. */
    public static List<String> validate(StreamJobSpec spec, Target target) {
        StreamJobSpecValidator validator = new StreamJobSpecValidator(target);
        if (spec == null) {
            validator.problem("spec", "required");
        } else {
            validator.validateSpec(spec);
        }
        return List.copyOf(validator.problems);
    }

    private void validateSpec(StreamJobSpec spec) {
        if (spec.getImage() != null && spec.getImage().isBlank()) {
            problem("spec.image", "must not be empty (omit it to use the operator's image)");
        }
        oneOf("spec.imagePullPolicy", spec.getImagePullPolicy(), StreamJobSpec.IMAGE_PULL_POLICIES, true);
        if (spec.getServiceAccount() != null && !KubernetesNames.isDns1123Subdomain(spec.getServiceAccount())) {
            problem("spec.serviceAccount", KubernetesNames.SUBDOMAIN_RULE + got(spec.getServiceAccount()));
        }
        validateJob(spec.getJob());
        if (spec.getJob() != null) {
            validateJobJar(spec.getJob(), spec.getStorage());
        }
        validateCheckpointing(spec.getCheckpointing());
        validateStateBackend(spec.getStateBackend());
        validateStorage(spec.getStorage());
        validateRestartPolicy(spec.getRestartPolicy());
        oneOf("spec.state", spec.getState(), StreamJobSpec.STATES, false);
        oneOf("spec.upgradeMode", spec.getUpgradeMode(), StreamJobSpec.UPGRADE_MODES, false);
        if (spec.getInitialSavepointPath() != null && spec.getInitialSavepointPath().isBlank()) {
            problem("spec.initialSavepointPath", "must not be empty");
        }
        validateResources(spec.getResources());
        validateSavepoints(spec.getSavepoints());
    }

    private void validateSavepoints(SavepointsSpec savepoints) {
        if (savepoints == null) {
            return;
        }
        int max = savepoints.getHistoryMaxCount();
        if (max < 1 || max > SavepointsSpec.MAX_HISTORY_MAX_COUNT) {
            problem("spec.savepoints.historyMaxCount", "must be between 1 and " + SavepointsSpec.MAX_HISTORY_MAX_COUNT
                    + " (got " + max + ")");
        }
        if (savepoints.getDispose() != null && savepoints.getDispose().size() > SavepointsSpec.MAX_DISPOSE) {
            problem("spec.savepoints.dispose", "at most " + SavepointsSpec.MAX_DISPOSE + " paths (got "
                    + savepoints.getDispose().size() + ")");
        }
    }

    private void validateJob(JobSpec job) {
        if (job == null) {
            problem("spec.job.className", "required");
            return;
        }
        String className = job.getClassName();
        if (className == null || className.isBlank()) {
            problem("spec.job.className", "required");
        } else if (!CLASS_NAME.matcher(className).matches()) {
            problem("spec.job.className", "must be a fully qualified Java class name" + got(className));
        }
        if (job.getArgs() != null) {
            for (Map.Entry<String, String> arg : job.getArgs().entrySet()) {
                if (arg.getKey().isBlank()) {
                    problem("spec.job.args", "argument names must not be empty");
                } else if (arg.getValue() == null) {
                    problem("spec.job.args." + arg.getKey(), "value required (write \"\" for an empty string)");
                }
            }
        }
        int parallelism = job.getParallelism();
        int maxParallelism = job.getMaxParallelism();
        atLeast("spec.job.parallelism", parallelism, 1);
        if (maxParallelism < 1 || maxParallelism > MAX_MAX_PARALLELISM) {
            problem("spec.job.maxParallelism", "must be between 1 and " + MAX_MAX_PARALLELISM + " (got " + maxParallelism + ")");
        } else if (parallelism >= 1 && maxParallelism < parallelism) {
            problem("spec.job.maxParallelism", "must be >= spec.job.parallelism (got " + maxParallelism
                    + " < " + parallelism + ")");
        }
    }

    private void validateJobJar(JobSpec job, StorageSpec storage) {
        String sha = job.getJarSha256();
        if (sha != null && !SHA256.matcher(sha).matches()) {
            problem("spec.job.jarSha256", "must be 64 hex digits, as sha256sum prints them" + got(sha));
        }
        String uri = job.getJarURI();
        if (uri == null) {
            if (sha != null) {
                problem("spec.job.jarSha256", "is the checksum of spec.job.jarURI, which is not set");
            }
            return;
        }
        if (uri.isBlank()) {
            problem("spec.job.jarURI", "must not be empty (omit it to load the job class from the worker's class path)");
            return;
        }
        int schemeEnd = uri.indexOf("://");
        String scheme = schemeEnd < 0 ? null : uri.substring(0, schemeEnd);
        if ("s3".equals(scheme)) {
            validateS3Jar(uri, storage);
        } else if ("local".equals(scheme) || "file".equals(scheme)) {
            if (!uri.startsWith(scheme + ":///") || uri.length() == scheme.length() + 4) {
                problem("spec.job.jarURI", "must be " + scheme + ":///absolute/path.jar (three slashes)" + got(uri));
            } else if ("file".equals(scheme) && target == Target.KUBERNETES) {
                problem("spec.job.jarURI", "file:// jars work only with weir local; on Kubernetes use " + CLUSTER_JARS
                        + got(uri));
            }
        } else if (scheme == null && target == Target.KUBERNETES) {
            problem("spec.job.jarURI", "a path works only with weir local; on Kubernetes use " + CLUSTER_JARS + got(uri));
        } else if (scheme != null) {
            problem("spec.job.jarURI", "must be " + CLUSTER_JARS + (target == Target.WEIR_LOCAL
                    ? ", or file:///abs/path.jar or a path relative to the manifest" : "") + got(uri));
        }
    }

    private void validateS3Jar(String uri, StorageSpec storage) {
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (slash < 0 || slash == rest.length() - 1 || !BUCKET.matcher(bucket).matches()) {
            problem("spec.job.jarURI", "must be s3://bucket/key.jar with a valid bucket name" + got(uri));
        } else if (storage != null && storage.getPath() != null) {
            problem("spec.job.jarURI", "an s3:// jar is downloaded with spec.storage's S3 endpoint and credentials;"
                    + " spec.storage.path has none");
        }
    }

    private void validateStateBackend(StateBackendSpec backend) {
        if (backend == null) {
            return;
        }
        oneOf("spec.stateBackend.type", backend.getType(), StateBackendSpec.TYPES, false);
    }

    private void validateCheckpointing(CheckpointingSpec checkpointing) {
        if (checkpointing == null) {
            return;
        }
        long interval = checkpointing.getIntervalMs();
        if (interval != 0 && interval < MIN_CHECKPOINT_INTERVAL_MS) {
            problem("spec.checkpointing.intervalMs",
                    "must be 0 (off) or >= " + MIN_CHECKPOINT_INTERVAL_MS + " (got " + interval + ")");
        }
        atLeast("spec.checkpointing.timeoutMs", checkpointing.getTimeoutMs(), 1);
        atLeast("spec.checkpointing.minPauseMs", checkpointing.getMinPauseMs(), 0);
        oneOf("spec.checkpointing.mode", checkpointing.getMode(), CheckpointingSpec.MODES, false);
        atLeast("spec.checkpointing.retained", checkpointing.getRetained(), 1);
        atLeast("spec.checkpointing.tolerableFailures", checkpointing.getTolerableFailures(), 0);
        atLeast("spec.checkpointing.tolerableFailureMs", checkpointing.getTolerableFailureMs(), 0);
        atLeast("spec.checkpointing.alignedTimeoutMs", checkpointing.getAlignedTimeoutMs(), 0);
        if (checkpointing.isUnaligned() && CheckpointingSpec.AT_LEAST_ONCE.equals(checkpointing.getMode())) {
            problem("spec.checkpointing.unaligned", "unaligned checkpoints need mode exactly-once (got mode "
                    + CheckpointingSpec.AT_LEAST_ONCE + ")");
        }
    }

    private void validateStorage(StorageSpec storage) {
        if (storage == null) {
            return;
        }
        if (storage.getEndpoint() != null) {
            validateEndpoint(storage.getEndpoint());
        }
        if (storage.getPath() != null) {
            if (storage.getPath().isBlank()) {
                problem("spec.storage.path", "must not be empty");
            }
            if (storage.getEndpoint() != null) {
                problem("spec.storage.path", "cannot be combined with spec.storage.endpoint; choose one");
            }
        }
        String bucket = storage.getBucket();
        if (bucket == null || bucket.isBlank()) {
            problem("spec.storage.bucket", "required");
        } else if (!BUCKET.matcher(bucket).matches()) {
            problem("spec.storage.bucket", "must be an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-',"
                    + " starting and ending with a letter or digit" + got(bucket));
        }
        String prefix = storage.getPrefix();
        if (prefix != null && !StorageSpec.PREFIX.matcher(prefix).matches()) {
            problem("spec.storage.prefix", StorageSpec.PREFIX_RULE + got(prefix));
        }
        validateSecret(storage.getCredentialsSecret());
    }

    private void validateEndpoint(String endpoint) {
        try {
            URI uri = new URI(endpoint);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                problem("spec.storage.endpoint", "must be an http:// or https:// URL" + got(endpoint));
            }
        } catch (URISyntaxException e) {
            problem("spec.storage.endpoint", "must be an http:// or https:// URL" + got(endpoint));
        }
    }

    private void validateSecret(SecretKeySelectorSpec secret) {
        if (secret == null) {
            return;
        }
        if (secret.getName() == null || secret.getName().isBlank()) {
            problem("spec.storage.credentialsSecret.name", "required");
        } else if (!KubernetesNames.isDns1123Subdomain(secret.getName())) {
            problem("spec.storage.credentialsSecret.name", KubernetesNames.SUBDOMAIN_RULE + got(secret.getName()));
        }
        if (secret.getAccessKeyKey() == null || secret.getAccessKeyKey().isBlank()) {
            problem("spec.storage.credentialsSecret.accessKeyKey", "required");
        }
        if (secret.getSecretKeyKey() == null || secret.getSecretKeyKey().isBlank()) {
            problem("spec.storage.credentialsSecret.secretKeyKey", "required");
        }
    }

    private void validateRestartPolicy(RestartPolicySpec policy) {
        if (policy == null) {
            return;
        }
        atLeast("spec.restartPolicy.heartbeatTimeoutMs", policy.getHeartbeatTimeoutMs(),
                RestartPolicySpec.MIN_HEARTBEAT_TIMEOUT_MS);
        atLeast("spec.restartPolicy.initialBackoffMs", policy.getInitialBackoffMs(), 1);
        if (policy.getMaxBackoffMs() < policy.getInitialBackoffMs()) {
            problem("spec.restartPolicy.maxBackoffMs", "must be >= spec.restartPolicy.initialBackoffMs (got "
                    + policy.getMaxBackoffMs() + " < " + policy.getInitialBackoffMs() + ")");
        }
        double multiplier = policy.getBackoffMultiplier();
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            problem("spec.restartPolicy.backoffMultiplier", "must be >= 1.0 (got " + multiplier + ")");
        }
        atLeast("spec.restartPolicy.maxRestarts", policy.getMaxRestarts(), 0);
        atLeast("spec.restartPolicy.windowMs", policy.getWindowMs(), 1);
    }

    private void validateResources(ResourcesSpec resources) {
        if (resources == null) {
            return;
        }
        validateQuantities("spec.resources.requests", resources.getRequests());
        validateQuantities("spec.resources.limits", resources.getLimits());
    }

    private void validateQuantities(String path, Map<String, String> quantities) {
        if (quantities == null) {
            return;
        }
        quantities.forEach((resource, quantity) -> {
            if (quantity == null || !QUANTITY.matcher(quantity).matches()) {
                problem(path + "." + resource, "must be a Kubernetes quantity such as 500m or 1Gi" + got(quantity));
            }
        });
    }

    private void atLeast(String path, long value, long min) {
        if (value < min) {
            problem(path, "must be >= " + min + " (got " + value + ")");
        }
    }

    private void oneOf(String path, String value, List<String> allowed, boolean optional) {
        if (value == null) {
            if (!optional) {
                problem(path, "required, one of " + String.join(", ", allowed));
            }
        } else if (!allowed.contains(value)) {
            problem(path, "must be one of " + String.join(", ", allowed) + got(value));
        }
    }

    private static String got(String value) {
        return value == null ? " (got null)" : " (got \"" + value + "\")";
    }

    private void problem(String path, String message) {
        problems.add(path + ": " + message);
    }
}
