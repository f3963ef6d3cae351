package dev.weir.runtime.dataflow.functions;

/** Which clock a timer follows. */
public enum TimeDomain {
    /** Fires when the operator's input watermark reaches the timer (records' event time). */
    EVENT_TIME,
    /** Fires when the wall clock of the worker reaches the timer. */
    PROCESSING_TIME
}
