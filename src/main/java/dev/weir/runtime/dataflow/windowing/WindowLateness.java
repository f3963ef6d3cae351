package dev.weir.runtime.dataflow.windowing;

import java.time.Duration;

import dev.weir.runtime.dataflow.OutputTag;

/** The checks a window operator's allowed lateness and late-data outputs pass against its assigner. */
final class WindowLateness {

    private WindowLateness() {}

    /** {@code lateness} in milliseconds, if the windows can have any. */
    static long allowed(WindowAssigner assigner, Duration lateness) {
        if (lateness == null || lateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative, got " + lateness);
        }
        if (!assigner.isEventTime() && !lateness.isZero()) {
            throw new IllegalArgumentException("allowed lateness applies to event-time windows only");
        }
        return lateness.toMillis();
    }

    /** {@code tag}, if the windows can have late records. */
    static <T> OutputTag<T> sideOutput(WindowAssigner assigner, OutputTag<T> tag) {
        if (tag == null) {
            throw new IllegalArgumentException("the late data output tag must not be null");
        }
        if (!assigner.isEventTime()) {
            throw new IllegalArgumentException("late data exists for event-time windows only");
        }
        return tag;
    }
}
