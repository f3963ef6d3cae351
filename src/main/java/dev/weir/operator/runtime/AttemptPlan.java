package dev.weir.operator.runtime;

import java.time.Duration;

import dev.weir.operator.JobKey;
import dev.weir.runtime.checkpoint.CheckpointConfig;

/**
 * One attempt as its coordinator needs to know it: how many workers register, with which graph
 * width, how long a worker may be silent, and where checkpoints go. Nothing about the job's code:
 * the workers bring its graph. {@code token} is the job's control token: {@link #toString()} leaves
 * it and the storage keys out.
 */
public record AttemptPlan(JobKey job, long attempt, int parallelism, int maxParallelism, CheckpointConfig checkpoint,
                          Duration heartbeatTimeout, StorageAccess storage, String token, String restoreFrom) {

    @Override
    public String toString() {
        return "AttemptPlan[job=" + job + ", attempt=" + attempt + ", parallelism=" + parallelism + ", storage="
                + storage + ", restoreFrom=" + restoreFrom + "]";
    }
}
