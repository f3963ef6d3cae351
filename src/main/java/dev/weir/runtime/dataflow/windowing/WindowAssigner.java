package dev.weir.runtime.dataflow.windowing;

import java.util.List;

/**
 * Puts a record, by its timestamp, into the windows it belongs to, and says which clock the
 * windows follow: event time (they fire on the watermark) or processing time (on the wall clock).
 */
public sealed interface WindowAssigner
        permits TumblingWindows, SlidingWindows, SessionWindows {

    List<TimeWindow> assignWindows(long timestamp);

    boolean isEventTime();

    /**
     * Whether a key's windows that overlap or touch merge into one ({@link SessionWindows}): the
     * aggregation must then be able to merge two accumulators ({@code AggregateFunction.merge}).
     */
    default boolean isMerging() {
        return false;
    }
}
