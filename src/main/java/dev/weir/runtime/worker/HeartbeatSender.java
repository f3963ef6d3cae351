package dev.weir.runtime.worker;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.transport.ControlPlaneException;

/**
 * A worker's heartbeats, and its judgement of its coordinator. They run on a thread of their own
 * that does nothing else and shares no lock or pool with the tasks (the coordinator client sends
 * them over an HTTP client of their own, one try each: the next beat is the retry), so busy task
 * threads cannot hold them up; only a stop of the whole JVM can (a garbage-collection pause), which
 * the job's heartbeat timeout is generous for.
 *
 * <p>The worker gives up on its coordinator when the coordinator says the attempt is over, when it
 * has not been reached for the coordinator timeout (the job's heartbeat timeout: the coordinator
 * has counted this worker lost by then), or at once when the coordinator was a process on this
 * machine that has ended ({@code weir local}: nothing takes over).
 */
final class HeartbeatSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);

    /** Why the worker stops. */
    enum CoordinatorLoss {
        /** The coordinator answered that this attempt is over, or no longer accepts the job token. */
        ATTEMPT_OVER,
        /** Not reached for longer than the coordinator timeout. */
        SILENT,
        /** Its process on this machine has ended. */
        EXITED
    }

    /** Told once, on the heartbeat thread, when the worker should stop. */
    @FunctionalInterface
    interface Listener {
        void coordinatorLost(CoordinatorLoss loss, String reason);
    }

    private final CoordinatorClient coordinator;
    private final Supplier<Heartbeat> state;
    private final long coordinatorTimeoutMs;
    private final CoordinatorProcess coordinatorProcess;
    private final Listener listener;
    private final ScheduledExecutorService thread;
    private volatile long lastContactNanos = System.nanoTime();
    private volatile boolean lost;

    /**
     * @param state the heartbeat to send now
     * @param coordinatorTimeoutMs how long the coordinator may stay unreachable; 0: forever
     * @param coordinatorPid the coordinator's process on this machine, watched; 0: none
     */
    HeartbeatSender(CoordinatorClient coordinator, Supplier<Heartbeat> state, long coordinatorTimeoutMs,
                    long coordinatorPid, Listener listener) {
        this.coordinator = coordinator;
        this.state = state;
        this.coordinatorTimeoutMs = coordinatorTimeoutMs;
        this.coordinatorProcess = new CoordinatorProcess(coordinatorPid);
        this.listener = listener;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weir-heartbeat");
            t.setDaemon(true);
            // Honoured where the JVM maps priorities to the OS (not on Linux by default, where it
            // needs -XX:ThreadPriorityPolicy=1 and privileges). There the thread is protected by
            // sleeping between beats: the scheduler runs a thread that wakes from sleep ahead of
            // ones that have used up their share, however many task threads are runnable.
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
    }

    /** Beats every {@code intervalMs} from now on. */
    void start(long intervalMs) {
        thread.scheduleAtFixedRate(this::beat, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Sends one heartbeat now, on the caller's thread (the final one, with the last counts). */
    void beat() {
        if (lost) {
            return;
        }
        if (coordinatorProcess.ended()) {
            lose(CoordinatorLoss.EXITED, "the coordinator's process " + coordinatorProcess.pid() + " has ended");
            return;
        }
        try {
            coordinator.heartbeat(state.get());
            lastContactNanos = System.nanoTime();
        } catch (ControlPlaneException e) {
            if (e.isAttemptGone() || e.isUnauthorized()) {
                lose(CoordinatorLoss.ATTEMPT_OVER, "the coordinator no longer runs this attempt (" + e.getMessage() + ")");
                return;
            }
            long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastContactNanos);
            if (coordinatorTimeoutMs > 0 && silentMs > coordinatorTimeoutMs) {
                // Without a coordinator nothing can be committed: stop instead of lingering.
                lose(CoordinatorLoss.SILENT, "no contact with the coordinator for " + silentMs + " ms");
            } else {
                LOG.warn("heartbeat to the coordinator failed: {}", e.getMessage());
            }
        }
    }

    private void lose(CoordinatorLoss loss, String reason) {
        lost = true;
        listener.coordinatorLost(loss, reason);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
