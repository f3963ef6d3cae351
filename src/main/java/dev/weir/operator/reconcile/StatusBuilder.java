package dev.weir.operator.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.weir.api.CheckpointInfo;
import dev.weir.api.Condition;
import dev.weir.api.JobPhase;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobStatus;
import dev.weir.operator.runtime.SavepointState;
import dev.weir.operator.runtime.SnapshotInfo;

/**
 * Builds the whole new status of a job from the old one, what was observed, what was decided and
 * what acting on it produced. The only place status is written; the reconciler patches it once.
 */
public final class StatusBuilder {

    private StatusBuilder() {
    }

    public static StreamJobStatus build(StreamJob job, Observation observed, Decision decision, ActResult acted,
                                        SavepointDisposer.Result disposals, long now) {
        StreamJobStatus old = job.getStatus();
        StreamJobStatus next = copy(old);
        next.setObservedGeneration(job.getMetadata().getGeneration());
        next.setDesiredWorkers(job.getSpec().getJob().getParallelism());
        next.setRestartTimes(new ArrayList<>(RestartWindow.recentRestarts(old.getRestartTimes(),
                job.getSpec().getRestartPolicy().getWindowMs(), now)));
        if (observed.runtime().lastCheckpoint() != null) {
            next.setLastCheckpoint(info(observed.runtime().lastCheckpoint()));
        }
        boolean attemptLive = observed.runtime().hosted() && decision instanceof Decision.Run;
        next.setReadyWorkers(attemptLive ? Math.min(observed.runtime().registeredWorkers(), observed.pods().running()) : 0);

        ReadyReason reason;
        String message;
        if (decision instanceof Decision.Wait w) {
            next.setPhase(w.phase());
            reason = w.reason() == null ? null : ReadyReason.valueOf(w.reason());
            message = w.message();
            if (reason != null && !reason.ready() && reason != ReadyReason.Restarting
                    && reason != ReadyReason.Suspended && reason != ReadyReason.Finished) {
                next.setError(message);
            }
        } else if (decision instanceof Decision.Deploy d) {
            deployed(next, acted, d.phase());
            reason = ReadyReason.valueOf(d.phase().name());
            message = "deploying attempt " + acted.deployedAttempt();
            if (d.phase() == JobPhase.Deploying) {
                next.setRestoredFrom(acted.restoredFrom());
            }
        } else if (decision instanceof Decision.Redeploy r) {
            deployed(next, acted, r.phase());
            next.setObservedRestartNonce(job.getSpec().getRestartNonce());
            reason = ReadyReason.valueOf(r.phase().name());
            message = r.reason() + ": deploying attempt " + acted.deployedAttempt();
        } else if (decision instanceof Decision.Run) {
            boolean allUp = next.getReadyWorkers() == next.getDesiredWorkers();
            JobPhase current = old.getPhase() == null ? JobPhase.Deploying : old.getPhase();
            next.setPhase(allUp ? JobPhase.Running : current);
            reason = allUp ? ReadyReason.Running : ReadyReason.valueOf(current.name());
            message = next.getReadyWorkers() + "/" + next.getDesiredWorkers() + " workers running";
            if (allUp) {
                next.setError(null);
            }
        } else if (decision instanceof Decision.Restart r) {
            next.setPhase(JobPhase.Restarting);
            next.getRestartTimes().add(Instant.ofEpochMilli(now).toString());
            next.setRestarts(next.getRestartTimes().size());
            next.setRestartAt(Instant.ofEpochMilli(r.restartAtMillis()).toString());
            next.setError(r.failure());
            reason = ReadyReason.Restarting;
            message = r.failure() + "; restarting at " + next.getRestartAt();
        } else if (decision instanceof Decision.Fail f) {
            next.setPhase(JobPhase.Failed);
            next.setError(f.message());
            reason = ReadyReason.valueOf(f.reason());
            message = f.message();
        } else if (decision instanceof Decision.Suspend) {
            next.setPhase(JobPhase.Suspended);
            reason = ReadyReason.Suspended;
            message = "spec.state is suspended";
        } else if (decision instanceof Decision.Finish) {
            next.setPhase(JobPhase.Finished);
            next.setError(null);
            reason = ReadyReason.Finished;
            message = "all tasks finished";
        } else {
            Decision.Savepoint s = (Decision.Savepoint) decision;
            SavepointState state = acted.savepoint();
            reason = savepointReason(s, state);
            message = savepointMessage(s, state);
            if (state != null && state.progress() == SavepointState.Progress.COMPLETED) {
                next.setLastSavepoint(info(state.snapshot()));
                SavepointHistory.add(next, state.snapshot(), s.then().triggerType(),
                        s.then() == Decision.AfterSavepoint.RECORD ? job.getSpec().getSavepointNonce() : null);
                if (s.then() == Decision.AfterSavepoint.RECORD) {
                    next.setObservedSavepointNonce(job.getSpec().getSavepointNonce());
                } else if (s.then() == Decision.AfterSavepoint.SUSPEND) {
                    next.setPhase(JobPhase.Suspended);
                } else {
                    deployed(next, acted, JobPhase.Upgrading);
                }
            } else if (s.then() == Decision.AfterSavepoint.UPGRADE) {
                next.setPhase(JobPhase.Upgrading);
            }
        }
        if (acted.problem() != null) {
            reason = acted.problem();
            message = acted.problemMessage();
            next.setError(message);
        }
        next.setRestarts(next.getRestartTimes().size());
        if (reason != null) {
            setCondition(next, Condition.READY, reason.ready() ? Condition.TRUE : Condition.FALSE, reason.name(),
                    message, now);
        }
        boolean attemptRuns = decision instanceof Decision.Run || decision instanceof Decision.Savepoint;
        CheckpointingCondition.Judgement checkpointing = CheckpointingCondition.judge(
                job.getSpec().getCheckpointing(), observed.runtime(), attemptRuns && acted.problem() == null, now);
        setCondition(next, Condition.CHECKPOINTING, checkpointing.reason().status(), checkpointing.reason().name(),
                checkpointing.message(), now);
        SavepointHistory.disposed(next, disposals.disposed(), now);
        SavepointHistory.trim(next, job.getSpec().getSavepoints());
        disposalCondition(next, disposals, now);
        // Every condition was judged just now (a Failed job's Ready is kept only while the generation it
        // failed at is unchanged), so every one carries this generation.
        Long generation = job.getMetadata().getGeneration();
        next.getConditions().forEach(c -> c.setObservedGeneration(generation));
        return next;
    }

    /**
     * Status after a reconcile that threw (API server down, a bug): Ready=False ReconcileError with
     * the exception's message; the rest as it was.
     */
    public static StreamJobStatus reconcileError(StreamJob job, String message, long now) {
        StreamJobStatus next = copy(job.getStatus() == null ? new StreamJobStatus() : job.getStatus());
        setCondition(next, Condition.READY, Condition.FALSE, ReadyReason.ReconcileError.name(), message, now);
        next.setError(message);
        Long generation = job.getMetadata().getGeneration();
        next.getConditions().forEach(c -> c.setObservedGeneration(generation));
        return next;
    }

    private static void disposalCondition(StreamJobStatus next, SavepointDisposer.Result disposals, long now) {
        if (!disposals.requested()) {
            next.getConditions().removeIf(c -> Condition.SAVEPOINT_DISPOSAL.equals(c.getType()));
            return;
        }
        if (!disposals.failed().isEmpty()) {
            setCondition(next, Condition.SAVEPOINT_DISPOSAL, Condition.FALSE,
                    SavepointDisposalReason.DisposalFailed.name(), String.join("; ", disposals.failed()), now);
        } else if (!disposals.refused().isEmpty()) {
            setCondition(next, Condition.SAVEPOINT_DISPOSAL, Condition.FALSE,
                    SavepointDisposalReason.DisposalRefused.name(), String.join("; ", disposals.refused()), now);
        } else {
            setCondition(next, Condition.SAVEPOINT_DISPOSAL, Condition.TRUE, SavepointDisposalReason.Disposed.name(),
                    "every savepoint in spec.savepoints.dispose is disposed of", now);
        }
    }

    private static void deployed(StreamJobStatus next, ActResult acted, JobPhase phase) {
        if (acted.deployedAttempt() > 0) {
            next.setAttempt((int) acted.deployedAttempt());
            next.setRestoredFrom(acted.restoredFrom());
            next.setRestartAt(null);
        }
        next.setPhase(phase);
        next.setReadyWorkers(0);
    }

    private static ReadyReason savepointReason(Decision.Savepoint s, SavepointState state) {
        if (state != null && state.progress() == SavepointState.Progress.FAILED) {
            return ReadyReason.SavepointFailed;
        }
        boolean done = state != null && state.progress() == SavepointState.Progress.COMPLETED;
        switch (s.then()) {
            case SUSPEND:
                return done ? ReadyReason.Suspended : ReadyReason.Suspending;
            case UPGRADE:
                return ReadyReason.Upgrading;
            default:
                return done ? ReadyReason.Running : ReadyReason.SavepointInProgress;
        }
    }

    private static String savepointMessage(Decision.Savepoint s, SavepointState state) {
        if (state == null) {
            return "savepoint " + s.requestId() + " requested";
        }
        switch (state.progress()) {
            case FAILED:
                return "savepoint " + s.requestId() + " failed: " + state.failure();
            case COMPLETED:
                return "savepoint " + s.requestId() + " completed at " + state.snapshot().path();
            default:
                return "savepoint " + s.requestId() + " in progress";
        }
    }

    /** Keeps lastTransitionTime when the status of the condition did not change, as Kubernetes conditions do. */
    static void setCondition(StreamJobStatus status, String type, String value, String reason, String message, long now) {
        List<Condition> conditions = status.getConditions();
        Condition existing = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String since = existing != null && value.equals(existing.getStatus()) ? existing.getLastTransitionTime()
                : Instant.ofEpochMilli(now).toString();
        conditions.removeIf(c -> type.equals(c.getType()));
        conditions.add(new Condition(type, value, reason, message, since));
    }

    static CheckpointInfo info(SnapshotInfo snapshot) {
        return new CheckpointInfo(snapshot.id(), snapshot.path(), Instant.ofEpochMilli(snapshot.completedAtMillis())
                .toString(), snapshot.durationMs(), snapshot.sizeBytes());
    }

    private static StreamJobStatus copy(StreamJobStatus old) {
        StreamJobStatus next = io.fabric8.kubernetes.client.utils.Serialization.clone(old);
        if (next.getConditions() == null) {
            next.setConditions(new ArrayList<>());
        }
        if (next.getRestartTimes() == null) {
            next.setRestartTimes(new ArrayList<>());
        }
        if (next.getSavepointHistory() == null) {
            next.setSavepointHistory(new ArrayList<>());
        }
        return next;
    }
}
