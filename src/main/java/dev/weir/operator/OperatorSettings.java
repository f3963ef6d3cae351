package dev.weir.operator;

import java.time.Duration;

/**
 * What the operator is told by its deployment (the chart sets these as environment variables).
 *
 * @param defaultImage worker image when a StreamJob names none: the operator's own image
 * @param pollInterval how often a running job is reconciled even without events, to mirror
 *     checkpoints into status and notice silent workers
 */
public record OperatorSettings(String defaultImage, Duration pollInterval) {}
