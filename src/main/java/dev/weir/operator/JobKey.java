package dev.weir.operator;

import dev.weir.api.StreamJob;

/** Identifies one StreamJob across reconciles, operator restarts and the coordinator it hosts. */
public record JobKey(String namespace, String name) {

    public static JobKey of(StreamJob job) {
        return new JobKey(job.getMetadata().getNamespace(), job.getMetadata().getName());
    }

    /** The job name workers register under: unique per operator, since one coordinator server serves all jobs. */
    public String coordinatorJobName() {
        return namespace + "." + name;
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
