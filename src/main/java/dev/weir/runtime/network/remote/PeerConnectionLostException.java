package dev.weir.runtime.network.remote;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A task could not send to a channel because the data connection to the worker it leads to is
 * gone: that worker is lost (killed, or cut off), not this task at fault. The worker reports it as
 * the lost peer, as it does when the data plane itself sees the connection end; whichever comes
 * first names the lost worker.
 */
public final class PeerConnectionLostException extends UncheckedIOException {

    private final int peer;

    public PeerConnectionLostException(int channelId, int peer, IOException cause) {
        super("channel " + channelId + " to worker " + peer + ": connection lost", cause);
        this.peer = peer;
    }

    /** The worker the connection led to. */
    public int peer() {
        return peer;
    }

    /** The first {@link PeerConnectionLostException} in {@code failure}'s cause chain, or null. */
    public static PeerConnectionLostException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PeerConnectionLostException lost) {
                return lost;
            }
        }
        return null;
    }
}
