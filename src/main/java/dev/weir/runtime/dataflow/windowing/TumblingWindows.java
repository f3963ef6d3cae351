package dev.weir.runtime.dataflow.windowing;

import java.time.Duration;
import java.util.List;

/**
 * Fixed-size, non-overlapping windows {@code [w, w + size)} with {@code w = floor((t - offset) / size)
 * * size + offset}: every record is in exactly one.
 */
public record TumblingWindows(long size, long offset, boolean isEventTime) implements WindowAssigner {

    public TumblingWindows {
        if (size <= 0) {
            throw new IllegalArgumentException("the window size must be positive, got " + size + " ms");
        }
        if (offset < 0 || offset >= size) {
            throw new IllegalArgumentException("the window offset must be in [0, size), got " + offset + " ms");
        }
    }

    /** Tumbling windows on the records' event time. */
    public static TumblingWindows ofEventTime(Duration size) {
        return new TumblingWindows(size.toMillis(), 0, true);
    }

    /** Tumbling windows on the records' event time, shifted by {@code offset} (e.g. for time zones). */
    public static TumblingWindows ofEventTime(Duration size, Duration offset) {
        return new TumblingWindows(size.toMillis(), offset.toMillis(), true);
    }

    /** Tumbling windows on the worker's clock when the record arrives. */
    public static TumblingWindows ofProcessingTime(Duration size) {
        return new TumblingWindows(size.toMillis(), 0, false);
    }

    @Override
    public List<TimeWindow> assignWindows(long timestamp) {
        long start = TimeWindow.windowStart(timestamp, offset, size);
        return List.of(new TimeWindow(start, start + size));
    }
}
