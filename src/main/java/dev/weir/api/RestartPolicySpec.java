package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/**
 * How the operator restarts a failed job: all workers together from the latest completed
 * checkpoint, after an exponential backoff, until too many restarts fall within one window.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestartPolicySpec {

    @JsonPropertyDescription("Milliseconds to wait before the first restart. Default 1000.")
    @Min(0)
    private long initialBackoffMs = 1_000;

    @JsonPropertyDescription("Upper bound of the backoff in milliseconds. Default 60000.")
    @Min(0)
    private long maxBackoffMs = 60_000;

    @JsonPropertyDescription("Factor applied to the backoff after each consecutive restart. At least 1. Default 2.0.")
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
