package dev.weir.runtime.network;

/** Picks the downstream channel of a record on a partitioned (non-forward) edge. */
public interface ChannelSelector {
    int selectChannel(Object record);
}
