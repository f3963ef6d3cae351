package dev.weir.runtime.exec;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wall-clock time and delayed callbacks for processing-time timers; one per execution. */
public final class ProcessingTimeService implements AutoCloseable {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weir-timers");
        t.setDaemon(true);
        return t;
    });

    public long currentProcessingTime() {
        return System.currentTimeMillis();
    }

    /** Runs {@code action} (which should only post mail) at or after {@code timestamp}. */
    public void scheduleAt(long timestamp, Runnable action) {
        long delay = Math.max(0, timestamp - currentProcessingTime());
        scheduler.schedule(action, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
