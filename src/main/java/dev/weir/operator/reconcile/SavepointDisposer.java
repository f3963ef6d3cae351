package dev.weir.operator.reconcile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

import dev.weir.api.SavepointInfo;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpec;
import dev.weir.api.StreamJobStatus;
import dev.weir.operator.JobKey;
import dev.weir.operator.runtime.JobRuntime;
import dev.weir.operator.runtime.StorageAccess;

/**
 * Disposes of the savepoints spec.savepoints.dispose names, as Flink's operator disposes of a
 * FlinkStateSnapshot: only savepoints this job took (they are in status.savepointHistory, in its
 * storage), and never one the job runs from or would restore from. What it refuses is said in the
 * SavepointDisposal condition and carried out by a later reconcile once it is safe.
 */
final class SavepointDisposer {

    /**
     * What one reconcile did about spec.savepoints.dispose.
     *
     * @param requested whether the spec names any savepoint to dispose of
     * @param disposed paths of savepoints whose files are gone now (this reconcile or an interrupted earlier one)
     * @param refused why each refused path cannot be disposed of now
     * @param failed why deleting each failed path failed
     */
    record Result(boolean requested, List<String> disposed, List<String> refused, List<String> failed) {

        static final Result NONE = new Result(false, List.of(), List.of(), List.of());
    }

    /** A savepoint to dispose of, or why not. */
    record Verdict(SavepointInfo savepoint, String refusal) {}

    private final JobRuntime runtime;

    SavepointDisposer(JobRuntime runtime) {
        this.runtime = runtime;
    }

    /** @param storage the job's storage; null when the spec is invalid (nothing is deleted then) */
    Result dispose(StreamJob job, StorageAccess storage) {
        List<String> paths = requested(job.getSpec());
        if (paths.isEmpty()) {
            return Result.NONE;
        }
        List<String> disposed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String path : paths) {
            Verdict verdict = judge(job, storage, path);
            if (verdict.refusal() != null) {
                refused.add(path + ": " + verdict.refusal());
            } else if (verdict.savepoint().getDisposedTime() == null) {
                try {
                    runtime.disposeSavepoint(JobKey.of(job), storage, verdict.savepoint().getId());
                    disposed.add(path);
                } catch (IOException e) {
                    failed.add(path + ": " + e.getMessage());
                }
            }
        }
        return new Result(true, disposed, refused, failed);
    }

    /** Whether {@code path} may be disposed of now. Pure. */
    static Verdict judge(StreamJob job, StorageAccess storage, String path) {
        StreamJobStatus status = job.getStatus();
        SavepointInfo entry = status.getSavepointHistory() == null ? null : status.getSavepointHistory().stream()
                .filter(s -> path.equals(s.getPath())).findFirst().orElse(null);
        if (entry == null) {
            return refuse("not in status.savepointHistory; only savepoints the operator took of this job are disposed of");
        }
        if (entry.getDisposedTime() != null) {
            return new Verdict(entry, null);
        }
        if (status.getLastSavepoint() != null && path.equals(status.getLastSavepoint().getPath())) {
            return refuse("it is the latest savepoint, which resuming a suspended job restores from;"
                    + " it can be disposed of once a newer savepoint exists");
        }
        if (path.equals(status.getRestoredFrom())) {
            return refuse("the current attempt restored from it, and restarts restore from it until a checkpoint"
                    + " completes");
        }
        if (path.equals(job.getSpec().getInitialSavepointPath())) {
            return refuse("spec.initialSavepointPath names it");
        }
        if (storage == null) {
            return refuse("the job's storage settings are invalid");
        }
        String expected = storage.describe() + "/savepoints/sp-" + entry.getId();
        if (!path.equals(expected)) {
            return refuse("not in the job's current storage (" + storage.describe() + ")");
        }
        return new Verdict(entry, null);
    }

    private static Verdict refuse(String why) {
        return new Verdict(null, why);
    }

    static List<String> requested(StreamJobSpec spec) {
        if (spec.getSavepoints() == null || spec.getSavepoints().getDispose() == null) {
            return List.of();
        }
        return List.copyOf(new LinkedHashSet<>(spec.getSavepoints().getDispose().stream().filter(Objects::nonNull)
                .toList()));
    }
}
