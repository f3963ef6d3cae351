package dev.weir.coordinator;

import java.time.Duration;

import dev.weir.api.RestartPolicySpec;

/**
 * How often workers send heartbeats and how long either side bears silence: the coordinator
 * counts a worker lost after {@code timeout} without a heartbeat, and a worker gives up on a
 * coordinator it has not reached for as long (as Flink's heartbeat timeout works both ways). From
 * {@code spec.restartPolicy.heartbeatTimeoutMs}, for both hosts.
 *
 * <p>Silence is the slow signal: it only catches a worker that is alive but mute (frozen, cut
 * off). A worker that dies is reported at once by its host (process exit, pod phase) and by its
 * peers (their data connections to it end), so the timeout can be generous enough for
 * garbage-collection pauses and CPU starvation, which are not deaths.
 */
public record Heartbeats(Duration interval, Duration timeout) {

    /** Workers report every second: cheap (one small request), and a registry sees a new worker quickly. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    public Heartbeats {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, got " + interval);
        }
        if (timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("heartbeat timeout " + timeout + " must exceed the interval " + interval);
        }
    }

    public static Heartbeats of(RestartPolicySpec policy) {
        return new Heartbeats(INTERVAL, Duration.ofMillis(policy.getHeartbeatTimeoutMs()));
    }

    /** What a StreamJob gets without {@code spec.restartPolicy.heartbeatTimeoutMs}. */
    public static Heartbeats defaults() {
        return new Heartbeats(INTERVAL, Duration.ofMillis(RestartPolicySpec.DEFAULT_HEARTBEAT_TIMEOUT_MS));
    }
}
