package dev.weir.runtime.dataflow.eventtime;

/** Reads a record's event time (milliseconds) at the source. Called once per record: keep it cheap. */
@FunctionalInterface
public interface TimestampAssigner<T> {
    long extractTimestamp(T record);
}
