package dev.weir.runtime.dataflow.functions;

/** Timers scoped to the current key, in event time and processing time. Timers are part of the checkpoint. */
public interface TimerService {
    long currentProcessingTime();

    /** The operator's input watermark: the minimum over its inputs; Long.MIN_VALUE before the first. */
    long currentWatermark();

    void registerProcessingTimeTimer(long timestamp);

    void deleteProcessingTimeTimer(long timestamp);

    /** Fires {@code onTimer} once the watermark reaches {@code timestamp} (at the latest at the end of input). */
    void registerEventTimeTimer(long timestamp);

    void deleteEventTimeTimer(long timestamp);
}
