package dev.weir.operator.runtime;

/** A completed checkpoint or savepoint, as status shows it. */
public record SnapshotInfo(long id, String path, long completedAtMillis, long durationMs, long sizeBytes) {}
