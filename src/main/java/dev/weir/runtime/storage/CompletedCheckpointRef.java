package dev.weir.runtime.storage;

import dev.weir.runtime.checkpoint.CheckpointMetadata;

/**
 * A completed checkpoint found in storage.
 *
 * @param location user-facing path of its directory, e.g. {@code s3://bucket/weir/ns/job/checkpoints/chk-7}
 */
public record CompletedCheckpointRef(long id, String location, CheckpointMetadata metadata) {}
