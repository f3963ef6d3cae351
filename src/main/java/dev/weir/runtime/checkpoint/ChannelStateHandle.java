package dev.weir.runtime.checkpoint;

import java.util.Comparator;
import java.util.Objects;

/**
 * In-flight records of one channel (producer subtask → consumer subtask) of a network edge that an
 * unaligned checkpoint persisted: {@code records} records, each written by the edge's record
 * serializer, in the order they travelled. On restore the consumer of the edge replays them before
 * any new input.
 *
 * @param edge the job edge's id, e.g. {@code generator->count-sum}
 * @param kind which end of the channel held them
 */
public record ChannelStateHandle(String edge, int producer, int consumer, Kind kind, int records, StateHandle state) {

    /** Which end of a channel held the records; an input's records travelled before its producer's output. */
    public enum Kind {
        /** Queued at the consumer (or read by it after the snapshot) before the channel's barrier. */
        INPUT,
        /** Not yet sent by the producer when the barrier overtook them. */
        OUTPUT
    }

    /** The order in which a channel's records travelled, channel by channel: how they are replayed. */
    public static final Comparator<ChannelStateHandle> STREAM_ORDER = Comparator.comparingInt(ChannelStateHandle::producer)
            .thenComparingInt(ChannelStateHandle::consumer)
            .thenComparing(ChannelStateHandle::kind);

    public ChannelStateHandle {
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        if (records < 1) {
            throw new IllegalArgumentException("channel state of " + edge + " " + producer + "->" + consumer
                    + " holds no records");
        }
    }
}
