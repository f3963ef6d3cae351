package dev.weir.runtime.dataflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The operator state a source or sink subtask starts from: the states every subtask of the
 * previous run wrote at checkpoint {@code checkpointId} (indexed by old subtask, null where one
 * wrote none). When the parallelism changed, {@link #assigned()} hands old subtask {@code j}'s
 * state to new subtask {@code j mod parallelism}, so every piece of state has exactly one new owner.
 *
 * <p>{@code checkpointId} is {@link #NO_CHECKPOINT} when the job did not restore. When it did, the
 * id is set even for an operator that has no state in that checkpoint: every checkpoint this run
 * takes has a higher id.
 */
public record OperatorStateRestore(int subtask, int parallelism, long checkpointId, List<byte[]> previousStates) {

    /** The checkpoint id of a start without a checkpoint (real ids start at 1). */
    public static final long NO_CHECKPOINT = 0;

    public static OperatorStateRestore empty(int subtask, int parallelism) {
        return new OperatorStateRestore(subtask, parallelism, NO_CHECKPOINT, List.of());
    }

    public OperatorStateRestore {
        previousStates = Collections.unmodifiableList(new ArrayList<>(previousStates));
    }

    /** States from a checkpoint whose id does not matter to the caller (tests of state handling). */
    public OperatorStateRestore(int subtask, int parallelism, List<byte[]> previousStates) {
        this(subtask, parallelism, NO_CHECKPOINT, previousStates);
    }

    public boolean isRestored() {
        return !previousStates.isEmpty();
    }

    public int previousParallelism() {
        return previousStates.size();
    }

    /** The states this subtask owns (its own when the parallelism is unchanged). */
    public List<byte[]> assigned() {
        List<byte[]> mine = new ArrayList<>();
        for (int old = 0; old < previousStates.size(); old++) {
            if (old % parallelism == subtask && previousStates.get(old) != null) {
                mine.add(previousStates.get(old));
            }
        }
        return mine;
    }

    /** Which old subtask indexes this subtask took over (including ones that wrote no state). */
    public List<Integer> assignedPreviousSubtasks() {
        List<Integer> mine = new ArrayList<>();
        for (int old = 0; old < previousStates.size(); old++) {
            if (old % parallelism == subtask) {
                mine.add(old);
            }
        }
        return mine;
    }

    /** Every previous subtask's state (union redistribution), nulls left out. */
    public List<byte[]> all() {
        return previousStates.stream().filter(Objects::nonNull).toList();
    }
}
