package dev.weir.runtime.worker.protocol;

/** Coordinator → worker: checkpoint {@code checkpointId} completed or was aborted (the route says which). */
public record CheckpointNotification(long checkpointId) {}
