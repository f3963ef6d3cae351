package dev.weir.coordinator;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link CheckpointCoordinator} by calling {@link CheckpointCoordinator#tick()} at a
 * fixed delay on one daemon thread. Stopping it does not shut the coordinator down.
 */
public final class CheckpointScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointScheduler.class);
    public static final long DEFAULT_TICK_MS = 10;

    private final CheckpointCoordinator coordinator;
    private final long tickMs;
    private ScheduledExecutorService executor;

    public CheckpointScheduler(CheckpointCoordinator coordinator) {
        this(coordinator, DEFAULT_TICK_MS);
    }

    public CheckpointScheduler(CheckpointCoordinator coordinator, long tickMs) {
        if (tickMs <= 0) {
            throw new IllegalArgumentException("tickMs must be positive, got " + tickMs);
        }
        this.coordinator = coordinator;
        this.tickMs = tickMs;
    }

    /** Starts ticking; a second call while running does nothing. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "checkpoint-scheduler-" + coordinator.jobName());
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::tickSafely, tickMs, tickMs, TimeUnit.MILLISECONDS);
        LOG.debug("Job {}: checkpoint scheduler started (tick {} ms)", coordinator.jobName(), tickMs);
    }

    public synchronized boolean isRunning() {
        return executor != null;
    }

    /** Stops ticking and waits briefly for a running tick to finish. Idempotent. */
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
        LOG.debug("Job {}: checkpoint scheduler stopped", coordinator.jobName());
    }

    @Override
    public void close() {
        stop();
    }

    /** An exception escaping a scheduled task would silently cancel all further ticks. */
    private void tickSafely() {
        try {
            coordinator.tick();
        } catch (RuntimeException e) {
            LOG.warn("Job {}: checkpoint tick failed", coordinator.jobName(), e);
        }
    }
}
