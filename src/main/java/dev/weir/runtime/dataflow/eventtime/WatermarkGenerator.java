package dev.weir.runtime.dataflow.eventtime;

/**
 * Derives watermarks from the records of one split (Flink's interface of the same name). There is
 * one generator per split, so {@link #onEvent} sees records in that split's order.
 */
public interface WatermarkGenerator<T> {

    /** Called for every record, after its timestamp is assigned. Keep it cheap: it is on the hot path. */
    void onEvent(T record, long timestamp, WatermarkOutput output);

    /** Called every auto-watermark interval: emit the watermark that the records so far allow. */
    void onPeriodicEmit(WatermarkOutput output);
}
