package dev.weir.operator;

import java.time.Duration;

/**
 * What the operator is told by its deployment (the chart sets these as environment variables).
 *
 * @param defaultImage worker image when a StreamJob names none: the operator's own image
 * @param pollInterval how often a running job is reconciled even without events, to mirror
 *     checkpoints into status and notice silent workers
 * @param workerTlsSecret the TLS Secret (tls.crt, tls.key, ca.crt) each job namespace holds for
 *     its workers, mounted into every worker pod; null: the planes are plain (no TLS)
 */
public record OperatorSettings(String defaultImage, Duration pollInterval, String workerTlsSecret) {

    /** Plain control and data planes. */
    public OperatorSettings(String defaultImage, Duration pollInterval) {
        this(defaultImage, pollInterval, null);
    }
}
