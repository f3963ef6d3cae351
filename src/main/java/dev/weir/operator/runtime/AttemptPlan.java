package dev.weir.operator.runtime;

import java.util.Map;

import dev.weir.operator.JobKey;
import dev.weir.runtime.checkpoint.CheckpointConfig;

/**
 * One attempt as the coordinator needs to know it. {@code token} is the job's control token:
 * {@link #toString()} leaves it and the storage keys out.
 */
public record AttemptPlan(JobKey job, long attempt, String className, Map<String, String> args, int parallelism,
                          int maxParallelism, CheckpointConfig checkpoint, StorageAccess storage, String token,
                          String restoreFrom) {

    @Override
    public String toString() {
        return "AttemptPlan[job=" + job + ", attempt=" + attempt + ", class=" + className + ", parallelism="
                + parallelism + ", storage=" + storage + ", restoreFrom=" + restoreFrom + "]";
    }
}
