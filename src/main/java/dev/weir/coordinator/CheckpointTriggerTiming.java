package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointConfig;

/**
 * Decides when the next periodic checkpoint is due: none before {@link #start}, then one interval
 * after the previous trigger and at least the min pause after the previous checkpoint ended, so a
 * slow checkpoint cannot make the job do nothing but checkpoint. Not thread-safe: guarded by the
 * coordinator's lock.
 */
final class CheckpointTriggerTiming {

    private final CheckpointConfig config;
    private boolean started;
    private long lastTriggerMillis;
    private long lastEndMillis;

    /** The first periodic checkpoint is due one interval after {@code createdMillis}, or at {@link #start} if later. */
    CheckpointTriggerTiming(CheckpointConfig config, long createdMillis) {
        this.config = config;
        this.lastTriggerMillis = createdMillis;
        this.lastEndMillis = createdMillis - config.minPauseMs();
    }

    void start() {
        started = true;
    }

    boolean started() {
        return started;
    }

    boolean periodicDue(long nowMillis) {
        return config.periodic() && started
                && nowMillis - lastTriggerMillis >= config.intervalMs()
                && nowMillis - lastEndMillis >= config.minPauseMs();
    }

    /** The next periodic checkpoint is due as soon as the min pause allows (the previous one stalled). */
    void retryNow() {
        lastTriggerMillis = Long.MIN_VALUE / 2;
    }

    void triggered(long nowMillis) {
        lastTriggerMillis = nowMillis;
    }

    void ended(long nowMillis) {
        lastEndMillis = nowMillis;
    }
}
