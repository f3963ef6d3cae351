package dev.weir.coordinator;

import dev.weir.runtime.exec.TaskListener;

/** The seam between the job master and where tasks run. */
public interface JobDeployer {

    /**
     * Starts attempt {@code attempt} of the job, restoring from {@code restore} (null: fresh
     * start). Task events are reported to {@code listener}.
     */
    DeployedJob deploy(long attempt, RestoreTarget restore, TaskListener listener) throws Exception;
}
