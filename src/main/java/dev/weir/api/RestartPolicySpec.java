package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/**
 * When a job counts as failed and how it is restarted: all workers together from the latest
 * completed checkpoint, at once after a failure that followed progress, then with an exponential
 * backoff while it keeps failing, until too many restarts fall within one window.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestartPolicySpec {

    /** Workers send a heartbeat every second; a shorter silence limit would count a few late ones as a death. */
    public static final long MIN_HEARTBEAT_TIMEOUT_MS = 3_000;
    /**
     * As Flink's heartbeat.timeout: long enough for garbage-collection pauses, CPU throttling and a
     * busy node to pass. A worker that dies is noticed at once anyway (its process or pod ends, its
     * peers' connections to it reset); only a worker that is alive but silent waits this long.
     */
    public static final long DEFAULT_HEARTBEAT_TIMEOUT_MS = 50_000;

    @JsonPropertyDescription("Milliseconds a worker may stay silent (no heartbeat; workers send one every second)"
            + " before it counts as lost and the job restarts. It covers only workers that are alive but silent"
            + " (frozen, cut off): one that dies is noticed at once from its pod and its peers. It is also how long"
            + " workers wait for an operator that restarts. At least " + MIN_HEARTBEAT_TIMEOUT_MS + ". Default "
            + DEFAULT_HEARTBEAT_TIMEOUT_MS + ".")
    @Min(MIN_HEARTBEAT_TIMEOUT_MS)
    private long heartbeatTimeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS;

    @JsonPropertyDescription("Milliseconds to wait before restarting a job that failed again without completing a"
            + " checkpoint since its last restart; the wait grows by backoffMultiplier with each further such"
            + " failure. The first restart, and one after a completed checkpoint, are immediate (as the kubelet"
            + " restarts a crashed container at once the first time). Default 1000.")
    @Min(0)
    private long initialBackoffMs = 1_000;

    @JsonPropertyDescription("Upper bound of the backoff in milliseconds. Default 60000.")
    @Min(0)
    private long maxBackoffMs = 60_000;

    @JsonPropertyDescription("Factor applied to the backoff after each further failure without a completed checkpoint."
            + " At least 1. Default 2.0.")
    @Min(1)
    private double backoffMultiplier = 2.0;

    @JsonPropertyDescription("Restarts allowed within windowMs before the job is marked Failed."
            + " 0 means fail on the first error. Default 10.")
    @Min(0)
    private int maxRestarts = 10;

    @JsonPropertyDescription("Length in milliseconds of the sliding window in which restarts are counted."
            + " Default 600000 (10 minutes).")
    @Min(1)
    private long windowMs = 600_000;

    public long getHeartbeatTimeoutMs() {
        return heartbeatTimeoutMs;
    }

    public void setHeartbeatTimeoutMs(long heartbeatTimeoutMs) {
        this.heartbeatTimeoutMs = heartbeatTimeoutMs;
    }

    public long getInitialBackoffMs() {
        return initialBackoffMs;
    }

    public void setInitialBackoffMs(long initialBackoffMs) {
        this.initialBackoffMs = initialBackoffMs;
    }

    public long getMaxBackoffMs() {
        return maxBackoffMs;
    }

    public void setMaxBackoffMs(long maxBackoffMs) {
        this.maxBackoffMs = maxBackoffMs;
    }

    public double getBackoffMultiplier() {
        return backoffMultiplier;
    }

    public void setBackoffMultiplier(double backoffMultiplier) {
        this.backoffMultiplier = backoffMultiplier;
    }

    public int getMaxRestarts() {
        return maxRestarts;
    }

    public void setMaxRestarts(int maxRestarts) {
        this.maxRestarts = maxRestarts;
    }

    public long getWindowMs() {
        return windowMs;
    }

    public void setWindowMs(long windowMs) {
        this.windowMs = windowMs;
    }
}
