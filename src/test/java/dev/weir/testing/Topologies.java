package dev.weir.testing;

import java.util.List;

import dev.weir.runtime.exec.JobTopology;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/**
 * Job graphs as workers describe them when they register, written by hand: tests of coordinators
 * and the control plane need a job's shape, never its classes.
 */
public final class Topologies {

    private Topologies() {}

    /** keyed-count's shape: a source task and a keyed task with the sink chained, {@code parallelism} wide. */
    public static JobTopology keyedCount(int parallelism) {
        return keyedCount(parallelism, "keyed-count-graph-" + parallelism);
    }

    /** The same shape with another hash: what a worker of a different build would send. */
    public static JobTopology keyedCount(int parallelism, String graphHash) {
        return new JobTopology(graphHash, parallelism, 128, List.of(
                new JobTopology.Vertex("generator", parallelism, true, List.of("generator", "parse"), List.of()),
                new JobTopology.Vertex("count-sum", parallelism, false, List.of("count-sum", "sink"),
                        List.of(new JobTopology.Input("generator", "key-by")))));
    }

    /** Worker {@code worker} of keyed-count at {@code host}. */
    public static WorkerRegistration worker(String job, long attempt, int worker, int parallelism, String host,
                                            int controlPort, int dataPort) {
        return WorkerRegistration.of(job, attempt, worker, host, controlPort, dataPort, keyedCount(parallelism));
    }
}
