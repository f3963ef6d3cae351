package dev.weir.runtime.network;

/**
 * An in-band event: no record with a timestamp at or below {@code timestamp} follows on this
 * channel. Sent like a barrier (pending batches are flushed first), so it never overtakes records.
 */
public record Watermark(long timestamp) {

    /** End of input: every event-time timer and window fires. */
    public static final Watermark MAX = new Watermark(Long.MAX_VALUE);
}
