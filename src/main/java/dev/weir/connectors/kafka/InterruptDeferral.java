package dev.weir.connectors.kafka;

/**
 * A canceled task closes its writers on its own thread, which the cancel interrupted. A Kafka
 * producer gives up on whatever it waits for once interrupted, and logs that as an error: the
 * abort of an open transaction, left to block read_committed readers until it times out, or the
 * wait for its I/O thread. A writer's close therefore runs with the interrupt cleared, and the
 * interrupt is set again after it, for the task to see. The close still ends: every wait in it is
 * bounded (max.block.ms, the close timeouts), and the worker exits within seconds of a cancel.
 */
final class InterruptDeferral {

    /** A close that may throw. */
    interface Close {
        void run() throws Exception;
    }

    private InterruptDeferral() {}

    static void close(Close close) throws Exception {
        boolean interrupted = Thread.interrupted();
        try {
            close.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
