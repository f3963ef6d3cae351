package dev.weir.runtime.dataflow.windowing;

import dev.weir.runtime.dataflow.functions.TimerService;

/**
 * The timers of a window, shared by the window operators: one at its end, and on event time with
 * allowed lateness one more at its clean-up time.
 */
record WindowTimers(boolean eventTime, long allowedLateness) {

    /** The timers of a window just opened by a record (not by merging). */
    void registerNew(TimerService timers, long maxTimestamp) {
        if (eventTime && maxTimestamp <= timers.currentWatermark()) {
            // Opened behind the watermark, within the allowed lateness: the record fires it now;
            // a timer at its end would fire it a second time. Only its clean-up is left.
            timers.registerEventTimeTimer(cleanupTime(maxTimestamp));
        } else {
            register(timers, maxTimestamp);
        }
    }

    /** A window's end timer and, on event time with allowed lateness, its clean-up timer. */
    void register(TimerService timers, long maxTimestamp) {
        if (eventTime) {
            timers.registerEventTimeTimer(maxTimestamp);
            if (allowedLateness > 0) {
                timers.registerEventTimeTimer(cleanupTime(maxTimestamp));
            }
        } else {
            timers.registerProcessingTimeTimer(maxTimestamp);
        }
    }

    /** When a window ending at {@code maxTimestamp} goes: after its allowed lateness (event time). */
    long cleanupTime(long maxTimestamp) {
        if (!eventTime) {
            return maxTimestamp;
        }
        long cleanup = maxTimestamp + allowedLateness;
        return cleanup >= maxTimestamp ? cleanup : Long.MAX_VALUE;
    }
}
