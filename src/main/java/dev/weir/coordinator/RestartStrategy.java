package dev.weir.coordinator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;

import dev.weir.api.RestartPolicySpec;

/**
 * When a failed job restarts ({@code weir local}; the operator applies the same
 * {@link Settings#delayMs rule} to what its status remembers): at once when it had completed a
 * checkpoint since its last restart, as the kubelet restarts a container at once the first time;
 * with a backoff that grows while it keeps failing without one; and not at all once too many
 * restarts fall within a sliding window, so a job that keeps failing stops instead of looping.
 */
public final class RestartStrategy {

    public record Settings(long initialBackoffMs, long maxBackoffMs, double multiplier, int maxRestarts, long windowMs) {
        public static final Settings DEFAULT = of(new RestartPolicySpec());

        public static Settings of(RestartPolicySpec spec) {
            return new Settings(spec.getInitialBackoffMs(), spec.getMaxBackoffMs(), spec.getBackoffMultiplier(),
                    spec.getMaxRestarts(), spec.getWindowMs());
        }

        /**
         * The delay before a restart, given how many restarts the job had since it last completed a
         * checkpoint (0: it made progress since its last restart, or never restarted): none, then
         * {@code initialBackoffMs}, growing by {@code multiplier} up to {@code maxBackoffMs}.
         */
        public long delayMs(int restartsWithoutProgress) {
            if (restartsWithoutProgress <= 0) {
                return 0;
            }
            double backoff = initialBackoffMs * Math.pow(multiplier, restartsWithoutProgress - 1);
            return (long) Math.min(maxBackoffMs, Math.ceil(backoff));
        }
    }

    private final Settings settings;
    private final Deque<Long> restarts = new ArrayDeque<>();
    private int restartsWithoutProgress;

    public RestartStrategy(Settings settings) {
        this.settings = settings;
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
        return OptionalLong.of(settings.delayMs(restartsWithoutProgress++));
    }

    /** A checkpoint completed: the job is healthy again, so its next failure restarts it at once. */
    public synchronized void onProgress() {
        restartsWithoutProgress = 0;
    }

    public synchronized int restartsInWindow() {
        return restarts.size();
    }
}
