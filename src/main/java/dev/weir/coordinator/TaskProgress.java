package dev.weir.coordinator;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import dev.weir.runtime.checkpoint.ExecutionVertexId;

/**
 * How far each subtask of an attempt got: running (restored, so checkpoints can start), at the end
 * of its data (the final checkpoint can be taken), finished (the attempt is done). Reports may come
 * before the coordinator knows the job's subtasks (a coordinator that takes over learns them from
 * heartbeats); the questions are answered once it does. Owned by the attempt's mailbox thread.
 */
final class TaskProgress {

    private final Set<ExecutionVertexId> running = new HashSet<>();
    private final Set<ExecutionVertexId> ended = new HashSet<>();
    private final Set<ExecutionVertexId> finished = new HashSet<>();
    private Set<ExecutionVertexId> subtasks;

    /** The subtasks the workers agreed on: every one of them must report. */
    void know(Set<ExecutionVertexId> all) {
        subtasks = Set.copyOf(all);
    }

    /** Records a report; true when it is new. */
    boolean running(ExecutionVertexId subtask) {
        return running.add(subtask);
    }

    boolean ended(ExecutionVertexId subtask) {
        return ended.add(subtask);
    }

    boolean finished(ExecutionVertexId subtask) {
        return finished.add(subtask);
    }

    boolean allRunning() {
        return subtasks != null && running.containsAll(subtasks);
    }

    boolean allEnded() {
        return subtasks != null && ended.containsAll(subtasks);
    }

    boolean allFinished() {
        return subtasks != null && finished.containsAll(subtasks);
    }

    /** Whether every one of {@code subtasks} (a worker's) finished. */
    boolean allFinished(Collection<ExecutionVertexId> some) {
        return finished.containsAll(some);
    }
}
