package dev.weir.runtime.exec;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wall-clock time; callbacks run on one daemon thread and only post mail to task threads. */
public final class SystemProcessingTimeService implements ProcessingTimeService {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weir-timers");
        t.setDaemon(true);
        return t;
    });

    @Override
    public long currentProcessingTime() {
        return System.currentTimeMillis();
    }

    @Override
    public void scheduleAt(long timestamp, Runnable action) {
        long delay = Math.max(0, timestamp - currentProcessingTime());
        scheduler.schedule(action, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
