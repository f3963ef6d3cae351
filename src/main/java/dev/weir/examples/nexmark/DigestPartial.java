package dev.weir.examples.nexmark;

/**
 * A sink subtask's rows and FNV sum up to checkpoint {@code checkpointId}; {@code ended} when the
 * subtask had seen the end of its input by then (the job's final checkpoint).
 */
record DigestPartial(long checkpointId, long rows, long sum, boolean ended) {}
