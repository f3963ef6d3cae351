package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.List;

/** When and how the coordinator takes checkpoints. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.unaligned) || !self.unaligned || !has(self.mode) || self.mode == 'exactly-once'",
        message = "unaligned checkpoints need mode exactly-once", fieldPath = ".unaligned")
public class CheckpointingSpec {

    public static final String EXACTLY_ONCE = "exactly-once";
    public static final String AT_LEAST_ONCE = "at-least-once";
    public static final List<String> MODES = List.of(EXACTLY_ONCE, AT_LEAST_ONCE);

    @JsonPropertyDescription("Milliseconds between checkpoint triggers. 0 turns periodic checkpoints off;"
            + " otherwise at least 100. Default 1000.")
    @Min(0)
    @ValidationRule(value = "self == 0 || self >= 100", message = "must be 0 (off) or at least 100")
    private long intervalMs = 1_000;

    @JsonPropertyDescription("A checkpoint not complete after this many milliseconds is aborted. Default 60000.")
    @Min(1)
    private long timeoutMs = 60_000;

    @JsonPropertyDescription("Least milliseconds between the end of one checkpoint and the start of the next."
            + " Default 0.")
    @Min(0)
    private long minPauseMs = 0;

    @JsonPropertyDescription("exactly-once (tasks with several inputs align barriers) or at-least-once"
            + " (no alignment: lower latency, records may be replayed twice after a restore)."
            + " Default exactly-once.")
    @SchemaFrom(type = SchemaEnums.CheckpointMode.class)
    private String mode = EXACTLY_ONCE;

    @JsonPropertyDescription("How many completed checkpoints to keep in storage. At least 1. Default 3.")
    @Min(1)
    private int retained = 3;

    @JsonPropertyDescription("Consecutive failed checkpoints tolerated before the job is restarted: it is"
            + " restarted once both more than tolerableFailures have failed in a row and they have failed for"
            + " tolerableFailureMs. Default 3.")
    @Min(0)
    private int tolerableFailures = 3;

    @JsonPropertyDescription("Milliseconds consecutive checkpoint failures are tolerated (from the trigger of the"
            + " first) before the job is restarted, however many fail meanwhile: the job keeps processing through a"
            + " storage outage this long without a restart. 0 leaves only tolerableFailures, as Flink counts."
            + " Default 60000.")
    @Min(0)
    private long tolerableFailureMs = 60_000;

    @JsonPropertyDescription("A checkpoint that receives no acknowledgement from any task for this many"
            + " milliseconds is aborted as stalled (not counted towards tolerableFailures) and the next one is"
            + " triggered at once; each consecutive stall doubles this limit, up to timeoutMs, so a slow but"
            + " healthy checkpoint still completes. 0 leaves only timeoutMs. Default 10000.")
    @Min(0)
    private long stallTimeoutMs = 10_000;

    @JsonPropertyDescription("Unaligned checkpoints (exactly-once only): barriers overtake the records in flight"
            + " between tasks, which are stored with the checkpoint (channel state) and replayed before new input on"
            + " restore, so checkpoints stay quick under backpressure; a restore at another parallelism redistributes"
            + " them. Savepoints always stay aligned. Default false.")
    private boolean unaligned = false;

    @JsonPropertyDescription("With unaligned: true, 0 makes every checkpoint unaligned from the start; otherwise a"
            + " checkpoint starts aligned and turns unaligned where it is still aligning this many milliseconds after"
            + " its trigger (only checkpoints held up by backpressure carry in-flight records). Default 0.")
    @Min(0)
    private long alignedTimeoutMs = 0;

    public long getIntervalMs() {
        return intervalMs;
    }

    public void setIntervalMs(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    public long getTimeoutMs() {
        return timeoutMs;
    }

    public void setTimeoutMs(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    public long getMinPauseMs() {
        return minPauseMs;
    }

    public void setMinPauseMs(long minPauseMs) {
        this.minPauseMs = minPauseMs;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public int getRetained() {
        return retained;
    }

    public void setRetained(int retained) {
        this.retained = retained;
    }

    public int getTolerableFailures() {
        return tolerableFailures;
    }

    public void setTolerableFailures(int tolerableFailures) {
        this.tolerableFailures = tolerableFailures;
    }

    public long getTolerableFailureMs() {
        return tolerableFailureMs;
    }

    public void setTolerableFailureMs(long tolerableFailureMs) {
        this.tolerableFailureMs = tolerableFailureMs;
    }

    public long getStallTimeoutMs() {
        return stallTimeoutMs;
    }

    public void setStallTimeoutMs(long stallTimeoutMs) {
        this.stallTimeoutMs = stallTimeoutMs;
    }

    public boolean isUnaligned() {
        return unaligned;
    }

    public void setUnaligned(boolean unaligned) {
        this.unaligned = unaligned;
    }

    public long getAlignedTimeoutMs() {
        return alignedTimeoutMs;
    }

    public void setAlignedTimeoutMs(long alignedTimeoutMs) {
        this.alignedTimeoutMs = alignedTimeoutMs;
    }
}
