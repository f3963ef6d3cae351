package dev.weir.connectors.kafka;

/**
 * A canceled task closes its readers and writers on its own thread, which the cancel interrupted.
 * A Kafka client gives up on whatever it waits for once interrupted, and logs that as an error
 * with a stack trace: a producer's abort of an open transaction (left to block read_committed
 * readers until it times out), the wait for its I/O thread, a consumer's close of its fetch
 * sessions. So the close runs with the interrupt cleared, and the interrupt is set again after it,
 * for the task to see; the close learns whether it was there, to skip waits it has no use for. The
 * close still ends: every wait in it is bounded (max.block.ms, the close timeouts), and the worker
 * exits within seconds of a cancel.
 */
final class InterruptDeferral {

    /** A close that may throw; {@code canceled}: the thread was interrupted. */
    interface Close {
        void run(boolean canceled) throws Exception;
    }

    private InterruptDeferral() {}

    static void close(Close close) throws Exception {
        boolean interrupted = Thread.interrupted();
        try {
            close.run(interrupted);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
