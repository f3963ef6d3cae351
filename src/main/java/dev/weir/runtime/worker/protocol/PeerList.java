package dev.weir.runtime.worker.protocol;

import java.util.Comparator;
import java.util.List;

/** The workers of one attempt registered so far, ordered by worker index. */
public record PeerList(long attempt, List<WorkerRegistration> workers) {

    public PeerList {
        workers = workers.stream().sorted(Comparator.comparingInt(WorkerRegistration::worker)).toList();
    }

    /** All {@code parallelism} workers (indexes 0..P-1) have registered: data connections can be opened. */
    public boolean isCompleteFor(int parallelism) {
        if (workers.size() != parallelism) {
            return false;
        }
        for (int i = 0; i < parallelism; i++) {
            if (workers.get(i).worker() != i) {
                return false;
            }
        }
        return true;
    }
}
