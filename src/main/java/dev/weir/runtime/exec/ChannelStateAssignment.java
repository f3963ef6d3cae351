package dev.weir.runtime.exec;

import java.util.List;

import dev.weir.runtime.checkpoint.ChannelStateHandle;
import dev.weir.runtime.dataflow.Partitioning;

/**
 * Which in-flight records of an unaligned checkpoint a consumer subtask of an edge replays, at the
 * parallelism the consuming task runs with now (its own; the producer's does not matter: a
 * consumer replays what its channels held, whichever producer sent it). At the same parallelism
 * each channel goes back to its own consumer. After a rescale, a keyed edge's records go where the edge would route them now: every
 * new subtask reads all of the edge's channel state and keeps the records of its key groups; a
 * rebalanced edge's channels go whole to subtask {@code consumer mod parallelism} (any
 * distribution is one rebalance could have made). Either way a channel's records stay in the
 * order they travelled, and they are replayed before any new input.
 */
final class ChannelStateAssignment {

    private ChannelStateAssignment() {}

    /**
     * @param handles the edge's channel state, in {@link ChannelStateHandle#STREAM_ORDER}
     * @param previousParallelism the consuming task's parallelism when the checkpoint was taken
     * @param parallelism the consuming task's parallelism now
     */
    static List<ChannelStateHandle> forSubtask(List<ChannelStateHandle> handles, int previousParallelism,
                                               int parallelism, int subtask, Partitioning partitioning) {
        if (byKeyGroup(previousParallelism, parallelism, partitioning)) {
            return handles;
        }
        return handles.stream().filter(h -> h.consumer() % parallelism == subtask).toList();
    }

    /** Whether the consumers must pick their records by key group: a keyed edge whose parallelism changed. */
    static boolean byKeyGroup(int previousParallelism, int parallelism, Partitioning partitioning) {
        return previousParallelism != parallelism && partitioning instanceof Partitioning.KeyBy<?, ?>;
    }
}
