package dev.weir.runtime.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * The content of {@code _metadata}: written last, its existence is what makes a checkpoint
 * complete. It lists every operator's subtask states so a restore at any parallelism can find
 * each key group and every piece of operator state, and (unaligned checkpoints) the in-flight
 * records of every network edge, replayed by the edge's consumers before new input.
 *
 * @param operators operator uid → the states of all its subtasks, in subtask order
 * @param channelState edge id → its persisted in-flight records, in {@link ChannelStateHandle#STREAM_ORDER};
 *     empty for aligned checkpoints and savepoints
 */
public record CheckpointMetadata(
        long checkpointId,
        boolean savepoint,
        long triggerTimestamp,
        long completionTimestamp,
        String jobName,
        int parallelism,
        int maxParallelism,
        Map<String, List<OperatorSubtaskState>> operators,
        Map<String, List<ChannelStateHandle>> channelState) {

    public CheckpointMetadata {
        operators = Map.copyOf(operators);
        channelState = channelState == null ? Map.of() : Map.copyOf(channelState);
    }

    public CheckpointMetadata(long checkpointId, boolean savepoint, long triggerTimestamp, long completionTimestamp,
                              String jobName, int parallelism, int maxParallelism,
                              Map<String, List<OperatorSubtaskState>> operators) {
        this(checkpointId, savepoint, triggerTimestamp, completionTimestamp, jobName, parallelism, maxParallelism,
                operators, Map.of());
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
                .sum()
                + channelStateSize();
    }

    /** Bytes of persisted in-flight records (0 unless the checkpoint was unaligned somewhere). */
    public long channelStateSize() {
        return channelState.values().stream().flatMap(List::stream).mapToLong(h -> h.state().length()).sum();
    }

    /** How many in-flight records the checkpoint persisted. */
    public long channelStateRecords() {
        return channelState.values().stream().flatMap(List::stream).mapToLong(ChannelStateHandle::records).sum();
    }
}
