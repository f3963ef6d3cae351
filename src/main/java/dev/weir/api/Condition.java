package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One aspect of the job's health, in the shape Kubernetes conditions have everywhere. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {

    public static final String READY = "Ready";
    public static final String CHECKPOINTING = "Checkpointing";
    public static final String SAVEPOINT_DISPOSAL = "SavepointDisposal";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    @JsonPropertyDescription("What this condition is about, e.g. Ready or Checkpointing.")
    private String type;

    @JsonPropertyDescription("True, False or Unknown.")
    private String status;

    @JsonPropertyDescription("Machine-readable CamelCase reason for the last transition, e.g. InvalidSpec.")
    private String reason;

    @JsonPropertyDescription("Human-readable details for the last transition.")
    private String message;

    @JsonPropertyDescription("When status last changed (RFC 3339).")
    private String lastTransitionTime;

    @JsonPropertyDescription("The metadata.generation the operator judged this condition at.")
    private Long observedGeneration;

    public Condition() {
    }

    public Condition(String type, String status, String reason, String message, String lastTransitionTime) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.lastTransitionTime = lastTransitionTime;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }
}
