package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.ArrayList;
import java.util.List;

/** What the operator last observed about a StreamJob. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StreamJobStatus {

    @JsonPropertyDescription("Pending, Deploying, Running, Restarting, Upgrading, Suspended, Failed or Finished.")
    private JobPhase phase;

    @JsonPropertyDescription("The metadata.generation this status was computed for.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready, Checkpointing, ...: each with status, reason and message.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Deployment attempt; every restart or upgrade starts a new attempt.")
    private int attempt;

    @JsonPropertyDescription("Restarts caused by failures within the restart policy's current window.")
    private int restarts;

    @JsonPropertyDescription("The latest completed checkpoint.")
    private CheckpointInfo lastCheckpoint;

    @JsonPropertyDescription("The latest completed savepoint.")
    private CheckpointInfo lastSavepoint;

    @JsonPropertyDescription("The last spec.savepoints.historyMaxCount savepoints taken of this job, newest first,"
            + " with why each was taken and whether it was disposed of.")
    private List<SavepointInfo> savepointHistory = new ArrayList<>();

    @JsonPropertyDescription("Path of the checkpoint or savepoint the current attempt restored from;"
            + " absent when it started empty.")
    private String restoredFrom;

    @JsonPropertyDescription("Workers of the current attempt that are registered and running.")
    private int readyWorkers;

    @JsonPropertyDescription("Workers the current attempt needs (the job's parallelism).")
    private int desiredWorkers;

    @JsonPropertyDescription("Why the job failed or cannot be deployed; absent when healthy.")
    private String error;

    @JsonPropertyDescription("When each restart within the restart policy's window happened (RFC 3339);"
            + " the operator counts and backs off from these.")
    private List<String> restartTimes = new ArrayList<>();

    @JsonPropertyDescription("While Restarting: when the next attempt will be deployed (RFC 3339).")
    private String restartAt;

    @JsonPropertyDescription("The spec.savepointNonce the last requested savepoint was taken for.")
    private long observedSavepointNonce;

    @JsonPropertyDescription("The spec.restartNonce the last requested restart was done for.")
    private long observedRestartNonce;

    public JobPhase getPhase() {
        return phase;
    }

    public void setPhase(JobPhase phase) {
        this.phase = phase;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public int getAttempt() {
        return attempt;
    }

    public void setAttempt(int attempt) {
        this.attempt = attempt;
    }

    public int getRestarts() {
        return restarts;
    }

    public void setRestarts(int restarts) {
        this.restarts = restarts;
    }

    public CheckpointInfo getLastCheckpoint() {
        return lastCheckpoint;
    }

    public void setLastCheckpoint(CheckpointInfo lastCheckpoint) {
        this.lastCheckpoint = lastCheckpoint;
    }

    public CheckpointInfo getLastSavepoint() {
        return lastSavepoint;
    }

    public void setLastSavepoint(CheckpointInfo lastSavepoint) {
        this.lastSavepoint = lastSavepoint;
    }

    public List<SavepointInfo> getSavepointHistory() {
        return savepointHistory;
    }

    public void setSavepointHistory(List<SavepointInfo> savepointHistory) {
        this.savepointHistory = savepointHistory;
    }

    public String getRestoredFrom() {
        return restoredFrom;
    }

    public void setRestoredFrom(String restoredFrom) {
        this.restoredFrom = restoredFrom;
    }

    public int getReadyWorkers() {
        return readyWorkers;
    }

    public void setReadyWorkers(int readyWorkers) {
        this.readyWorkers = readyWorkers;
    }

    public int getDesiredWorkers() {
        return desiredWorkers;
    }

    public void setDesiredWorkers(int desiredWorkers) {
        this.desiredWorkers = desiredWorkers;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }

    public List<String> getRestartTimes() {
        return restartTimes;
    }

    public void setRestartTimes(List<String> restartTimes) {
        this.restartTimes = restartTimes;
    }

    public String getRestartAt() {
        return restartAt;
    }

    public void setRestartAt(String restartAt) {
        this.restartAt = restartAt;
    }

    public long getObservedSavepointNonce() {
        return observedSavepointNonce;
    }

    public void setObservedSavepointNonce(long observedSavepointNonce) {
        this.observedSavepointNonce = observedSavepointNonce;
    }

    public long getObservedRestartNonce() {
        return observedRestartNonce;
    }

    public void setObservedRestartNonce(long observedRestartNonce) {
        this.observedRestartNonce = observedRestartNonce;
    }
}
