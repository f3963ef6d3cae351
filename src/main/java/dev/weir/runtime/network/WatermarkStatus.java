package dev.weir.runtime.network;

/**
 * An in-band event: an idle producer (no records for its idleness timeout, or no splits at all)
 * stops holding back its consumers' watermark until it sends {@link #ACTIVE} again.
 */
public enum WatermarkStatus {
    IDLE,
    ACTIVE
}
