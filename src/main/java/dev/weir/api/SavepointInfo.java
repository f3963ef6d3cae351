package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One savepoint in status.savepointHistory: where it is, why it was taken, and whether it was disposed of. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SavepointInfo extends CheckpointInfo {

    @JsonPropertyDescription("MANUAL (spec.savepointNonce), UPGRADE (a spec change with upgradeMode savepoint)"
            + " or SUSPEND (spec.state suspended).")
    private SavepointTriggerType triggerType;

    @JsonPropertyDescription("The spec.savepointNonce a MANUAL savepoint was taken for.")
    private Long triggerNonce;

    @JsonPropertyDescription("When its files were deleted on request (spec.savepoints.dispose, RFC 3339);"
            + " absent while it exists.")
    private String disposedTime;

    public SavepointInfo() {
    }

    public SavepointInfo(CheckpointInfo snapshot, SavepointTriggerType triggerType, Long triggerNonce) {
        super(snapshot.getId(), snapshot.getPath(), snapshot.getTime(), snapshot.getDurationMs(), snapshot.getSizeBytes());
        this.triggerType = triggerType;
        this.triggerNonce = triggerNonce;
    }

    public SavepointTriggerType getTriggerType() {
        return triggerType;
    }

    public void setTriggerType(SavepointTriggerType triggerType) {
        this.triggerType = triggerType;
    }

    public Long getTriggerNonce() {
        return triggerNonce;
    }

    public void setTriggerNonce(Long triggerNonce) {
        this.triggerNonce = triggerNonce;
    }

    public String getDisposedTime() {
        return disposedTime;
    }

    public void setDisposedTime(String disposedTime) {
        this.disposedTime = disposedTime;
    }

    @Override
    public String toString() {
        return triggerType + (triggerNonce == null ? "" : " #" + triggerNonce) + " " + getId() + " " + getPath()
                + " at " + getTime() + (disposedTime == null ? "" : " disposed " + disposedTime);
    }
}
