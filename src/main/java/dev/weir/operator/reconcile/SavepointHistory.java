package dev.weir.operator.reconcile;

import java.time.Instant;
import java.util.List;

import dev.weir.api.SavepointInfo;
import dev.weir.api.SavepointTriggerType;
import dev.weir.api.SavepointsSpec;
import dev.weir.api.StreamJobStatus;
import dev.weir.operator.runtime.SnapshotInfo;

/** The rules of status.savepointHistory: newest first, each savepoint once, at most historyMaxCount entries. */
final class SavepointHistory {

    private SavepointHistory() {
    }

    /** Adds a completed savepoint; one already there (the same savepoint seen by a repeated reconcile) is kept. */
    static void add(StreamJobStatus status, SnapshotInfo snapshot, SavepointTriggerType trigger, Long nonce) {
        List<SavepointInfo> history = status.getSavepointHistory();
        if (history.stream().anyMatch(s -> s.getId() == snapshot.id() && snapshot.path().equals(s.getPath()))) {
            return;
        }
        history.add(0, new SavepointInfo(StatusBuilder.info(snapshot), trigger, nonce));
    }

    /** Marks the entries of {@code paths} (ids may repeat across storages, paths do not). */
    static void disposed(StreamJobStatus status, List<String> paths, long now) {
        for (SavepointInfo entry : status.getSavepointHistory()) {
            if (entry.getDisposedTime() == null && paths.contains(entry.getPath())) {
                entry.setDisposedTime(Instant.ofEpochMilli(now).toString());
            }
        }
    }

    /** Older entries leave the history only: their files stay in storage (savepoints are the user's). */
    static void trim(StreamJobStatus status, SavepointsSpec spec) {
        int max = spec == null ? SavepointsSpec.DEFAULT_HISTORY_MAX_COUNT : Math.max(1, spec.getHistoryMaxCount());
        List<SavepointInfo> history = status.getSavepointHistory();
        while (history.size() > max) {
            history.remove(history.size() - 1);
        }
    }
}
