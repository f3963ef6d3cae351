package dev.weir.runtime.worker.protocol;

import java.util.Objects;

/**
 * Worker → coordinator: {@code worker}'s data connection to {@code peer} ended while the attempt ran
 * (reset, closed, or broken by a frame it could not read). Most often {@code peer} died: its peers
 * notice that within milliseconds, before any heartbeat timeout, and this report lets the
 * coordinator fail the attempt at once, naming the lost worker. {@code message} is what the
 * connection saw.
 */
public record PeerLost(long attempt, int worker, int peer, String message) {

    public PeerLost {
        Objects.requireNonNull(message, "message");
    }
}
