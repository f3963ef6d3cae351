package dev.weir.runtime.worker;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.storage.ObjectStores;

/**
 * The worker process: a plain Java main (no framework boot), configured by {@code WEIR_*}
 * environment variables (see {@link WorkerConfig}). Exit code 0 when its tasks finished or it was
 * canceled, 1 on failure, 2 on a configuration error.
 *
 * <p>A standby worker ({@link WorkerVariable#STANDBY}) prepares the job ({@link WorkerPreparation}),
 * then waits for its assignment on its standard input ({@link StandbyAssignment}) and runs as a
 * worker started for that attempt would; it exits with 0 when no assignment comes.
 */
public final class WorkerMain {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {}

    public static void main(String[] args) {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        boolean standby = Boolean.parseBoolean(System.getenv(WorkerVariable.STANDBY.envName()));
        WorkerConfig config;
        try {
            config = standby ? WorkerConfig.forStandby(System::getenv) : WorkerConfig.fromEnvironment(System::getenv);
        } catch (IllegalArgumentException e) {
            System.err.println("weir worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        int exit;
        try {
            exit = standby ? runStandby(config) : new Worker(config).run().exitCode;
        } catch (Throwable t) {
            LOG.error("worker {} of {} failed to run", config.worker(), config.jobName(), t);
            exit = 1;
        }
        System.exit(exit);
    }

    private static int runStandby(WorkerConfig job) throws Exception {
        long start = System.nanoTime();
        WorkerPreparation prepared = WorkerPreparation.start(job, ObjectStores::open);
        Thread ready = new Thread(() -> {
            try {
                prepared.await();
                LOG.info("standby worker (pid {}) of {} prepared in {} ms; waiting for its assignment",
                        ProcessHandle.current().pid(), job.jobName(), (System.nanoTime() - start) / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "weir-standby-ready");
        ready.setDaemon(true);
        ready.start();
        Optional<WorkerAssignment> assignment;
        try {
            assignment = StandbyAssignment.await(System.in, job.coordinatorPid());
        } catch (IllegalArgumentException e) {
            System.err.println("weir worker: " + e.getMessage());
            return 2;
        }
        if (assignment.isEmpty()) {
            return 0;
        }
        long assignedAt = System.nanoTime();
        LOG.info("standby worker (pid {}) assigned: worker {} of attempt {}", ProcessHandle.current().pid(),
                assignment.get().worker(), assignment.get().attempt());
        return new Worker(job.assigned(assignment.get()), prepared, assignedAt).run().exitCode;
    }
}
