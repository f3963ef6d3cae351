package dev.weir.runtime.network;

/** The producer has emitted its last record; barriers may still follow (the final checkpoint). */
public enum EndOfData {
    INSTANCE
}
