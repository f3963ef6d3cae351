package dev.weir.coordinator;

import java.time.Duration;
import java.util.function.Function;

import dev.weir.runtime.worker.protocol.WorkerRegistration;

/**
 * Where a job's workers run: worker processes, pods, or threads of this process. The job master
 * asks it to start each attempt's workers, which then register with the attempt's coordinator.
 */
public interface JobDeployer {

    /**
     * How the workers of every attempt look to their coordinator.
     *
     * @param count how many workers register per attempt
     * @param heartbeatTimeout silence after which a worker counts as lost; zero when workers send no heartbeats
     * @param registrationTimeout how long all workers may take to register; zero for no limit
     * @param gateways how to reach a worker that registered over the control plane; null when workers
     *     register in this process with their own gateway
     */
    record Workers(int count, Duration heartbeatTimeout, Duration registrationTimeout,
                   Function<WorkerRegistration, WorkerGateway> gateways) {}

    Workers workers();

    /**
     * Starts attempt {@code attempt}'s workers, restoring from {@code restore} (null: fresh start);
     * they register with {@code coordinator} and report to it. Throws when they cannot be started;
     * an {@link dev.weir.runtime.dataflow.UnrecoverableJobException} in the cause chain fails the job
     * without restarting it.
     */
    Deployment deploy(long attempt, RestoreTarget restore, AttemptCoordinator coordinator) throws Exception;

    /** What a deployer started for one attempt. */
    interface Deployment {

        /** Stops whatever is still running of the attempt (kills processes, cancels threads). */
        void stop();

        /** Waits until everything of the attempt is gone; false if some of it is still running. */
        boolean awaitTermination(Duration timeout) throws InterruptedException;
    }
}
