package dev.weir.operator.runtime;

/** Where a requested savepoint is: still running, done (with where it went), or failed (with why). */
public record SavepointState(Progress progress, SnapshotInfo snapshot, String failure) {

    public enum Progress { IN_PROGRESS, COMPLETED, FAILED }

    public static final SavepointState IN_PROGRESS = new SavepointState(Progress.IN_PROGRESS, null, null);

    public static SavepointState completed(SnapshotInfo snapshot) {
        return new SavepointState(Progress.COMPLETED, snapshot, null);
    }

    public static SavepointState failed(String failure) {
        return new SavepointState(Progress.FAILED, null, failure);
    }
}
