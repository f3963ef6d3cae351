package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A completed checkpoint or savepoint as shown in status. Status only mirrors the store: the
 * latest {@code _metadata} in storage, not this, decides what a restart restores from.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointInfo {

    @JsonPropertyDescription("Checkpoint id; ids only grow.")
    private long id;

    @JsonPropertyDescription("Location of the snapshot, e.g. s3://weir/weir/default/my-job/checkpoints/chk-42.")
    private String path;

    @JsonPropertyDescription("When the snapshot completed (RFC 3339).")
    private String time;

    @JsonPropertyDescription("Milliseconds from trigger to completion.")
    private long durationMs;

    @JsonPropertyDescription("Total size of the snapshot's state files in bytes.")
    private long sizeBytes;

    public CheckpointInfo() {
    }

    public CheckpointInfo(long id, String path, String time, long durationMs, long sizeBytes) {
        this.id = id;
        this.path = path;
        this.time = time;
        this.durationMs = durationMs;
        this.sizeBytes = sizeBytes;
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getTime() {
        return time;
    }

    public void setTime(String time) {
        this.time = time;
    }

    public long getDurationMs() {
        return durationMs;
    }

    public void setDurationMs(long durationMs) {
        this.durationMs = durationMs;
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public void setSizeBytes(long sizeBytes) {
        this.sizeBytes = sizeBytes;
    }
}
