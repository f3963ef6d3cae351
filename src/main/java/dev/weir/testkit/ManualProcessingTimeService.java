package dev.weir.testkit;

import java.util.Comparator;
import java.util.PriorityQueue;

import dev.weir.runtime.exec.ProcessingTimeService;

/**
 * Processing time that moves only when a test moves it. Callbacks scheduled for a time that has
 * come run, in time order, when {@link #runDue} is called: never on another thread.
 */
final class ManualProcessingTimeService implements ProcessingTimeService {

    private record Scheduled(long timestamp, long order, Runnable action) {}

    private final PriorityQueue<Scheduled> scheduled = new PriorityQueue<>(
            Comparator.comparingLong(Scheduled::timestamp).thenComparingLong(Scheduled::order));
    private long now;
    private long order;

    ManualProcessingTimeService(long start) {
        this.now = start;
    }

    @Override
    public long currentProcessingTime() {
        return now;
    }

    @Override
    public void scheduleAt(long timestamp, Runnable action) {
        scheduled.add(new Scheduled(timestamp, order++, action));
    }

    /** Moves the clock to {@code time}; processing time never goes backwards. */
    void setTime(long time) {
        if (time < now) {
            throw new IllegalArgumentException("processing time cannot go back from " + now + " to " + time);
        }
        now = time;
    }

    /** Runs every callback whose time has come; returns how many ran. */
    int runDue() {
        int ran = 0;
        Scheduled head;
        while ((head = scheduled.peek()) != null && head.timestamp() <= now) {
            scheduled.poll().action().run();
            ran++;
        }
        return ran;
    }

    @Override
    public void close() {
        scheduled.clear();
    }
}
