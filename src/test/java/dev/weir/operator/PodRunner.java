package dev.weir.operator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * How {@link KubeletHarness} runs a pod's worker: as a JVM of the test's build
 * ({@link WorkerProcessRunner}) or as a container of the Weir image ({@link WorkerContainerRunner}).
 */
sealed interface PodRunner extends AutoCloseable permits WorkerProcessRunner, WorkerContainerRunner {

    /**
     * Starts the worker of {@code pod}.
     *
     * @param ip          the pod's IP: a loopback address of its own
     * @param environment the container's variables, secret references resolved, bound to {@code ip}
     * @param secrets     the Secret volumes the container mounts, written out on the host
     * @return a process that lives as long as the worker and exits with its exit code
     */
    Process start(Pod pod, String ip, Map<String, String> environment, SecretVolumes secrets, Path log)
            throws IOException;

    /** SIGKILLs the worker, as a crash would. */
    void kill(String pod, Process process);

    /** Stops every worker still running. */
    @Override
    void close();
}
