package dev.weir.runtime.network;

/** The producer is done: nothing follows on this channel. */
public enum EndOfPartition {
    INSTANCE
}
