package dev.weir.runtime.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * The content of {@code _metadata}: written last, its existence is what makes a checkpoint
 * complete. It lists every operator's subtask states so a restore at any parallelism can find
 * each key group and every piece of operator state.
 *
 * @param operators operator uid → the states of all its subtasks, in subtask order
 */
public record CheckpointMetadata(
        long checkpointId,
        boolean savepoint,
        long triggerTimestamp,
        long completionTimestamp,
        String jobName,
        int parallelism,
        int maxParallelism,
        Map<String, List<OperatorSubtaskState>> operators) {

    public CheckpointMetadata {
        operators = Map.copyOf(operators);
    }

    /** Bytes this checkpoint wrote: its state less the shared files earlier checkpoints uploaded. */
    public long uploadedSize() {
        return operators.values().stream()
                .flatMap(List::stream)
                .mapToLong(s -> s.uploadedSize(checkpointId))
                .sum();
    }

    public long stateSize() {
        return operators.values().stream()
                .flatMap(List::stream)
                .mapToLong(OperatorSubtaskState::size)
                .sum();
    }
}
