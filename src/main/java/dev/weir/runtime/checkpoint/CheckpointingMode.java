package dev.weir.runtime.checkpoint;

public enum CheckpointingMode {
    /** Multi-input tasks align barriers: state reflects every record before the barrier, none after. */
    EXACTLY_ONCE,
    /** Barriers are tracked without blocking inputs: after a restore some records may be replayed twice. */
    AT_LEAST_ONCE
}
