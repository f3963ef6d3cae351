package dev.weir.runtime.dataflow.eventtime;

import java.time.Duration;

/**
 * Records may arrive up to {@code maxOutOfOrderness} behind the highest timestamp seen: the
 * watermark is that highest timestamp minus the bound minus one, so a record exactly at the bound
 * is still on time. With a bound of zero these are monotonous timestamps.
 */
public final class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrdernessMillis;
    private long maxTimestamp;

    public BoundedOutOfOrdernessWatermarks(Duration maxOutOfOrderness) {
        if (maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("maxOutOfOrderness must not be negative, got " + maxOutOfOrderness);
        }
        this.outOfOrdernessMillis = maxOutOfOrderness.toMillis();
        // No record yet: the first watermark must not be below Long.MIN_VALUE.
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(T record, long timestamp, WatermarkOutput output) {
        if (timestamp > maxTimestamp) {
            maxTimestamp = timestamp;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(maxTimestamp - outOfOrdernessMillis - 1);
    }
}
