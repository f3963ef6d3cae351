package dev.weir.coordinator;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/**
 * Checks that the workers of an attempt built one job: the same graph (hash), at the parallelism
 * and key groups the coordinator expects, and that their subtasks together are every subtask of it,
 * each run by exactly one worker. The coordinator learns the job from this, never from its classes.
 */
final class GraphAgreement {

    /** Either the subtasks that acknowledge checkpoints, or why the workers disagree. */
    record Result(JobTopology topology, Set<ExecutionVertexId> subtasks, String mismatch) {
        boolean agreed() {
            return mismatch == null;
        }
    }

    private GraphAgreement() {}

    /** A problem with one registration on its own (against the expected shape), or null. */
    static String check(WorkerRegistration registration, int parallelism, int maxParallelism) {
        JobTopology topology = registration.topology();
        if (topology == null) {
            return "worker " + registration.worker() + " registered without its job graph (an older worker image?)";
        }
        if (topology.parallelism() != parallelism || topology.maxParallelism() != maxParallelism) {
            return "worker " + registration.worker() + " built the job for parallelism " + topology.parallelism()
                    + " and " + topology.maxParallelism() + " key groups; this attempt runs parallelism "
                    + parallelism + " with " + maxParallelism;
        }
        return null;
    }

    /** Why {@code registration} cannot join the workers registered so far (another graph), or null. */
    static String differentGraph(WorkerRegistration registration, List<WorkerRegistration> registered, int parallelism,
                                 int maxParallelism) {
        for (WorkerRegistration other : registered) {
            if (other.worker() != registration.worker() && other.topology() != null
                    && !other.topology().graphHash().equals(registration.topology().graphHash())) {
                return agree(List.of(other, registration), parallelism, maxParallelism).mismatch();
            }
        }
        return null;
    }

    /** Compares every registration with the first one and collects the subtasks. */
    static Result agree(List<WorkerRegistration> registrations, int parallelism, int maxParallelism) {
        WorkerRegistration first = registrations.get(0);
        Map<ExecutionVertexId, Integer> runBy = new HashMap<>();
        for (WorkerRegistration registration : registrations) {
            String problem = check(registration, parallelism, maxParallelism);
            if (problem == null && !registration.topology().graphHash().equals(first.topology().graphHash())) {
                problem = "worker " + registration.worker() + " built a different job graph (" + hash(registration)
                        + ") than worker " + first.worker() + " (" + hash(first) + "): every worker must run the same"
                        + " job jar and image, and the job's define() must build the same graph for the same arguments";
            }
            if (problem != null) {
                return new Result(null, null, problem);
            }
            for (ExecutionVertexId subtask : registration.subtasks()) {
                Integer other = runBy.putIfAbsent(subtask, registration.worker());
                if (other != null) {
                    return new Result(null, null, "workers " + other + " and " + registration.worker()
                            + " both run subtask " + subtask);
                }
            }
        }
        Set<ExecutionVertexId> all = new LinkedHashSet<>(first.topology().subtasks());
        if (!all.equals(runBy.keySet())) {
            Set<ExecutionVertexId> missing = new LinkedHashSet<>(all);
            missing.removeAll(runBy.keySet());
            return new Result(null, null, missing.isEmpty() ? "workers run subtasks that are not in the job graph"
                    : "no worker runs subtasks " + missing);
        }
        return new Result(first.topology(), all, null);
    }

    private static String hash(WorkerRegistration registration) {
        return "graph " + registration.topology().graphHash().substring(0, 12);
    }
}
