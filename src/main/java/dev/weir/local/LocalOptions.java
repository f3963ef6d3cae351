package dev.weir.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * Command-line options of {@code weir local}, as {@link LocalCommand} parsed and checked them.
 *
 * @param restore null (fresh start), "latest", or a checkpoint/savepoint location
 * @param stateDir where the embedded S3-compatible store keeps its files
 * @param progress print a progress line every second
 * @param inProcess run every subtask as a thread of this process instead of P worker processes
 * @param environment extra environment variables of the worker processes ({@code --env NAME=VALUE}),
 *     what a Secret gives the pods on Kubernetes, e.g. connector credentials
 * @param workerHeap the worker processes' heap ({@code --worker-heap}, e.g. 2g); null: {@link WorkerHeap}'s rule
 * @param tlsDirectory {@code --tls-dir}: mutual TLS on the control and data planes with the
 *     {@code tls.crt}, {@code tls.key} and {@code ca.crt} there; null: plain (the default on one machine)
 * @param restPort the loopback port of the coordinator's REST API ({@code --rest-port}); 0 picks a free one
 * @param standbyWorkers spare worker processes kept ready for restarts ({@code --standby-workers}); null:
 *     {@link WorkerProcessDeployer.Settings#defaultStandbyWorkers} (one per worker), 0: none
 */
public record LocalOptions(Path manifest, String restore, Path stateDir, boolean progress, boolean inProcess,
                           Map<String, String> environment, String workerHeap, Path tlsDirectory, int restPort,
                           Integer standbyWorkers) {

    public LocalOptions(Path manifest, String restore, Path stateDir, boolean progress, boolean inProcess,
                        Map<String, String> environment, String workerHeap) {
        this(manifest, restore, stateDir, progress, inProcess, environment, workerHeap, null, 0, null);
    }

    /** The spares to keep for a job of {@code parallelism}. */
    public int standbyWorkers(int parallelism) {
        return standbyWorkers != null ? standbyWorkers : WorkerProcessDeployer.Settings.defaultStandbyWorkers(parallelism);
    }

    /** Leaves out the environment's values: they may be credentials. */
    @Override
    public String toString() {
        return "LocalOptions[manifest=" + manifest + ", restore=" + restore + ", stateDir=" + stateDir + ", progress="
                + progress + ", inProcess=" + inProcess + ", environment=" + environment.keySet() + ", workerHeap="
                + workerHeap + ", tlsDirectory=" + tlsDirectory + ", restPort=" + restPort + ", standbyWorkers="
                + standbyWorkers + "]";
    }
}
