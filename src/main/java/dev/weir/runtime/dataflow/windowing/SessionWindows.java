package dev.weir.runtime.dataflow.windowing;

import java.time.Duration;
import java.util.List;

/**
 * Session windows per key: a record at {@code t} opens the window {@code [t, t + gap)}, and windows
 * of one key that overlap or touch merge into one (Flink's rule: records {@code gap} apart or less
 * are one session). A session ends once no record came for {@code gap}; it fires when time passes
 * its last record plus the gap.
 */
public record SessionWindows(long gap, boolean isEventTime) implements WindowAssigner {

    public SessionWindows {
        if (gap <= 0) {
            throw new IllegalArgumentException("the session gap must be positive, got " + gap + " ms");
        }
    }

    /** Sessions on the records' event time (Flink's EventTimeSessionWindows.withGap). */
    public static SessionWindows ofEventTime(Duration gap) {
        return new SessionWindows(gap.toMillis(), true);
    }

    /** Sessions on the worker's clock when the records arrive (ProcessingTimeSessionWindows.withGap). */
    public static SessionWindows ofProcessingTime(Duration gap) {
        return new SessionWindows(gap.toMillis(), false);
    }

    @Override
    public List<TimeWindow> assignWindows(long timestamp) {
        long end = timestamp + gap;
        return List.of(new TimeWindow(timestamp, end > timestamp ? end : Long.MAX_VALUE));
    }

    @Override
    public boolean isMerging() {
        return true;
    }
}
