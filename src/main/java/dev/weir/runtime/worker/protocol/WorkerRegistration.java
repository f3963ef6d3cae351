package dev.weir.runtime.worker.protocol;

import java.util.Objects;

/**
 * A worker announcing itself to its job's coordinator: which subtask index it runs in which attempt,
 * and where the coordinator ({@code controlPort}) and the other workers ({@code dataPort}) reach it.
 * Workers send their own address so discovery never waits for DNS of a headless Service.
 */
public record WorkerRegistration(String jobName, long attempt, int worker, String host, int controlPort, int dataPort) {

    public WorkerRegistration {
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(host, "host");
        if (worker < 0) {
            throw new IllegalArgumentException("worker index must not be negative: " + worker);
        }
    }

    /** Same worker at the same place: a retried registration, not a conflicting one. */
    public boolean sameEndpointAs(WorkerRegistration other) {
        return worker == other.worker && host.equals(other.host)
                && controlPort == other.controlPort && dataPort == other.dataPort;
    }
}
