package dev.weir.runtime.worker.protocol;

import java.util.List;
import java.util.Objects;

import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.exec.JobTopology;

/**
 * A worker announcing itself to its job's coordinator: which subtask index it runs in which attempt,
 * where the coordinator ({@code controlPort}) and the other workers ({@code dataPort}) reach it, and
 * the job graph it built from the user's code ({@code topology}) with the subtasks of it that it
 * runs ({@code subtasks}, each of which acknowledges every checkpoint). Workers send their own
 * address so discovery never waits for DNS of a headless Service, and their graph so the
 * coordinator never needs the job's classes.
 */
public record WorkerRegistration(String jobName, long attempt, int worker, String host, int controlPort, int dataPort,
                                 JobTopology topology, List<ExecutionVertexId> subtasks) {

    public WorkerRegistration {
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(host, "host");
        if (worker < 0) {
            throw new IllegalArgumentException("worker index must not be negative: " + worker);
        }
        subtasks = subtasks == null ? List.of() : List.copyOf(subtasks);
    }

    /** A registration of worker {@code worker} that runs subtask {@code worker} of every task of {@code topology}. */
    public static WorkerRegistration of(String jobName, long attempt, int worker, String host, int controlPort,
                                        int dataPort, JobTopology topology) {
        return new WorkerRegistration(jobName, attempt, worker, host, controlPort, dataPort, topology,
                topology.subtasksOfWorker(worker));
    }

    /** Same worker at the same place: a retried registration, not a conflicting one. */
    public boolean sameEndpointAs(WorkerRegistration other) {
        return worker == other.worker && host.equals(other.host)
                && controlPort == other.controlPort && dataPort == other.dataPort;
    }
}
