package dev.weir.runtime.worker.protocol;

/**
 * Worker → coordinator: still alive. {@code timestamp} is the worker's clock and only informative;
 * the coordinator judges silence by its own receive time, since clocks of pods differ.
 */
public record Heartbeat(long attempt, int worker, long timestamp) {}
