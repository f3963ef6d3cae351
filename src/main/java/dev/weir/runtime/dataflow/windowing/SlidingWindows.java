package dev.weir.runtime.dataflow.windowing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Windows of {@code size} starting every {@code slide}: a record is in {@code size / slide} of them. */
public record SlidingWindows(long size, long slide, long offset, boolean isEventTime) implements WindowAssigner {

    public SlidingWindows {
        if (size <= 0 || slide <= 0) {
            throw new IllegalArgumentException("window size and slide must be positive, got size " + size
                    + " ms, slide " + slide + " ms");
        }
        if (offset < 0 || offset >= slide) {
            throw new IllegalArgumentException("the window offset must be in [0, slide), got " + offset + " ms");
        }
    }

    public static SlidingWindows ofEventTime(Duration size, Duration slide) {
        return new SlidingWindows(size.toMillis(), slide.toMillis(), 0, true);
    }

    public static SlidingWindows ofProcessingTime(Duration size, Duration slide) {
        return new SlidingWindows(size.toMillis(), slide.toMillis(), 0, false);
    }

    @Override
    public List<TimeWindow> assignWindows(long timestamp) {
        List<TimeWindow> windows = new ArrayList<>((int) (size / slide) + 1);
        long lastStart = TimeWindow.windowStart(timestamp, offset, slide);
        for (long start = lastStart; start > timestamp - size; start -= slide) {
            windows.add(new TimeWindow(start, start + size));
        }
        return windows;
    }
}
