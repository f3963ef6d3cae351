package dev.weir.runtime.checkpoint;

/** Flows in-band with the records; everything before barrier n belongs to checkpoint n. */
public record CheckpointBarrier(long checkpointId, long timestamp, CheckpointType type) {}
