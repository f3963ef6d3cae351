package dev.weir.runtime.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process: a plain Java main (no framework boot), configured by {@code WEIR_*}
 * environment variables (see {@link WorkerConfig}). Exit code 0 when its tasks finished or it was
 * canceled, 1 on failure, 2 on a configuration error.
 */
public final class WorkerMain {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {}

    public static void main(String[] args) {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        WorkerConfig config;
        try {
            config = WorkerConfig.fromEnvironment(System::getenv);
        } catch (IllegalArgumentException e) {
            System.err.println("weir worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        int exit;
        try {
            exit = new Worker(config).run().exitCode;
        } catch (Throwable t) {
            LOG.error("worker {} of {} failed to run", config.worker(), config.jobName(), t);
            exit = 1;
        }
        System.exit(exit);
    }
}
