package dev.weir.coordinator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;

/**
 * Exponential backoff between restarts, and a limit of restarts within a sliding window: a job
 * that keeps failing stops restarting instead of looping forever.
 */
public final class RestartStrategy {

    public record Settings(long initialBackoffMs, long maxBackoffMs, double multiplier, int maxRestarts, long windowMs) {
        public static final Settings DEFAULT = new Settings(1_000, 60_000, 2.0, 10, 600_000);
    }

    private final Settings settings;
    private final Deque<Long> restarts = new ArrayDeque<>();
    private long nextBackoffMs;

    public RestartStrategy(Settings settings) {
        this.settings = settings;
        this.nextBackoffMs = settings.initialBackoffMs();
    }

    /** Records a failure at {@code now}: the delay before restarting, or empty when out of restarts. */
    public synchronized OptionalLong onFailure(long now) {
        while (!restarts.isEmpty() && restarts.peekFirst() <= now - settings.windowMs()) {
            restarts.pollFirst();
        }
        if (restarts.size() >= settings.maxRestarts()) {
            return OptionalLong.empty();
        }
        restarts.addLast(now);
        long delay = nextBackoffMs;
        nextBackoffMs = Math.min(settings.maxBackoffMs(), (long) Math.ceil(nextBackoffMs * settings.multiplier()));
        return OptionalLong.of(delay);
    }

    /** A checkpoint completed after the restart: the job is healthy again, so backoff starts over. */
    public synchronized void onProgress() {
        nextBackoffMs = settings.initialBackoffMs();
    }

    public synchronized int restartsInWindow() {
        return restarts.size();
    }
}
