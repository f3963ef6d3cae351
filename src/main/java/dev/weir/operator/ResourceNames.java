package dev.weir.operator;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.weir.api.StreamJob;

/** Every name, label and annotation the operator puts on the objects it owns. */
public final class ResourceNames {

    public static final String JOB_LABEL = "weir.dev/job";
    public static final String ATTEMPT_LABEL = "weir.dev/attempt";
    public static final String WORKER_LABEL = "weir.dev/worker";
    public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "weir-operator";
    /** Hash of the spec parts a running attempt was deployed from; a different hash means an upgrade. */
    public static final String SPEC_HASH_ANNOTATION = "weir.dev/spec-hash";
    public static final String RESTORE_FROM_ANNOTATION = "weir.dev/restore-from";

    public static final String TOKEN_KEY = "token";
    public static final String TOKEN_MOUNT = "/var/run/weir/token";
    public static final int CONTROL_PORT = 6124;
    public static final int DATA_PORT = 6125;

    private ResourceNames() {
    }

    /** Pod names carry the attempt so the next attempt never waits for the old pod's name to be free. */
    public static String workerPod(String job, long attempt, int worker) {
        return job + "-a" + attempt + "-w" + worker;
    }

    public static String headlessService(String job) {
        return job;
    }

    public static String configMap(String job) {
        return job + "-config";
    }

    public static String tokenSecret(String job) {
        return job + "-token";
    }

    public static Map<String, String> jobLabels(StreamJob job) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "weir");
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        labels.put(JOB_LABEL, job.getMetadata().getName());
        return labels;
    }

    public static Map<String, String> workerLabels(StreamJob job, long attempt, int worker) {
        Map<String, String> labels = jobLabels(job);
        labels.put(COMPONENT_LABEL, "worker");
        labels.put(ATTEMPT_LABEL, Long.toString(attempt));
        labels.put(WORKER_LABEL, Integer.toString(worker));
        return labels;
    }
}
