package dev.weir.operator.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.weir.operator.ResourceNames;
import dev.weir.runtime.logging.WorkerLogTail;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What the pods of the current attempt look like: how many run, whether one failed or vanished,
 * which spec they were deployed from. Only reports; deciding is the decider's job.
 *
 * @param expected the attempt's parallelism (how many pods it was deployed with)
 * @param byWorker the attempt's pods that exist and are not being deleted, by worker index
 * @param stale pods of other attempts, to delete
 */
public record WorkerPods(String job, long attempt, int expected, Map<Integer, Pod> byWorker, List<Pod> stale) {

    public static WorkerPods of(String job, long attempt, int expected, List<Pod> pods) {
        Map<Integer, Pod> byWorker = new TreeMap<>();
        List<Pod> stale = new ArrayList<>();
        for (Pod pod : pods) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            String podAttempt = labels == null ? null : labels.get(ResourceNames.ATTEMPT_LABEL);
            String worker = labels == null ? null : labels.get(ResourceNames.WORKER_LABEL);
            if (podAttempt == null || worker == null || !podAttempt.equals(Long.toString(attempt))) {
                stale.add(pod);
            } else if (pod.getMetadata().getDeletionTimestamp() == null) {
                byWorker.put(Integer.parseInt(worker), pod);
            }
        }
        return new WorkerPods(job, attempt, expected, byWorker, stale);
    }

    public boolean none() {
        return byWorker.isEmpty();
    }

    public int running() {
        return (int) byWorker.values().stream().filter(p -> "Running".equals(phase(p))).count();
    }

    public boolean allSucceeded() {
        return byWorker.size() == expected && byWorker.values().stream().allMatch(p -> "Succeeded".equals(phase(p)));
    }

    /** Why the attempt cannot go on because of its pods; null when none failed or vanished. */
    public String failure() {
        for (int worker = 0; worker < expected; worker++) {
            Pod pod = byWorker.get(worker);
            if (pod == null) {
                return "worker pod " + ResourceNames.workerPod(job, attempt, worker) + " was deleted";
            }
            if ("Failed".equals(phase(pod))) {
                return "worker pod " + pod.getMetadata().getName() + " failed" + exitDetail(pod);
            }
        }
        // A worker exits 0 only when finished or canceled: one ending alone means the attempt is broken.
        if (!allSucceeded()) {
            for (Pod pod : byWorker.values()) {
                if ("Succeeded".equals(phase(pod))) {
                    return "worker pod " + pod.getMetadata().getName() + " exited before the job finished";
                }
            }
        }
        return null;
    }

    /** The spec hash the attempt's pods were created from; null when there are none. */
    public String specHash() {
        return byWorker.values().stream().map(p -> p.getMetadata().getAnnotations())
                .filter(a -> a != null && a.containsKey(ResourceNames.SPEC_HASH_ANNOTATION))
                .map(a -> a.get(ResourceNames.SPEC_HASH_ANNOTATION)).findFirst().orElse(null);
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    private static String exitDetail(Pod pod) {
        if (pod.getStatus().getContainerStatuses() == null) {
            return "";
        }
        for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
            if (status.getState() != null && status.getState().getTerminated() != null) {
                var terminated = status.getState().getTerminated();
                String reason = terminated.getExitCode() == null || terminated.getExitCode() == 0 ? ""
                        : WorkerLogTail.lastErrorIn(terminated.getMessage()).map(r -> ": " + r).orElse("");
                return " (exit code " + terminated.getExitCode()
                        + (terminated.getReason() == null ? "" : ", " + terminated.getReason()) + ")" + reason;
            }
        }
        return "";
    }
}
