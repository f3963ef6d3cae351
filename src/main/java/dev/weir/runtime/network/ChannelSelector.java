package dev.weir.runtime.network;

/** Picks the downstream channel of a record on a network edge. */
public interface ChannelSelector {
    int selectChannel(Object record);
}
