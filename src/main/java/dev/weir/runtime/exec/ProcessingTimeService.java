package dev.weir.runtime.exec;

/**
 * Processing time and delayed callbacks for processing-time timers; one per execution. The
 * engine runs on {@link SystemProcessingTimeService}; the test kit drives timers with a manual
 * clock through the same interface.
 */
public interface ProcessingTimeService extends AutoCloseable {

    long currentProcessingTime();

    /** Runs {@code action} (which should only post mail) at or after {@code timestamp}. */
    void scheduleAt(long timestamp, Runnable action);

    @Override
    void close();
}
