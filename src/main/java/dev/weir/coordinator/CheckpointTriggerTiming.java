package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointConfig;

/**
 * Decides when the next periodic checkpoint is due: one interval after the previous trigger and
 * at least the min pause after the previous checkpoint ended, so a slow checkpoint cannot make
 * the job do nothing but checkpoint. Not thread-safe: guarded by the coordinator's lock.
 */
final class CheckpointTriggerTiming {

    private final CheckpointConfig config;
    private long lastTriggerMillis;
    private long lastEndMillis;

    /** The first periodic checkpoint comes one interval after {@code startMillis}. */
    CheckpointTriggerTiming(CheckpointConfig config, long startMillis) {
        this.config = config;
        this.lastTriggerMillis = startMillis;
        this.lastEndMillis = startMillis - config.minPauseMs();
    }

    boolean periodicDue(long nowMillis) {
        return config.periodic()
                && nowMillis - lastTriggerMillis >= config.intervalMs()
                && nowMillis - lastEndMillis >= config.minPauseMs();
    }

    void triggered(long nowMillis) {
        lastTriggerMillis = nowMillis;
    }

    void ended(long nowMillis) {
        lastEndMillis = nowMillis;
    }
}
