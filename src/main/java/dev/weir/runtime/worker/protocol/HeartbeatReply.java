package dev.weir.runtime.worker.protocol;

/**
 * Coordinator → worker, in answer to a heartbeat. {@code registered} is false when this
 * coordinator does not know the worker yet (it took over running workers after an operator
 * restart or a leader change): the worker then registers again, with its graph, as it did at start.
 */
public record HeartbeatReply(boolean registered) {

    public static final HeartbeatReply KNOWN = new HeartbeatReply(true);
    public static final HeartbeatReply UNKNOWN = new HeartbeatReply(false);
}
