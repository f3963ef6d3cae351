package dev.weir.runtime.dataflow.eventtime;

/** Where a {@link WatermarkGenerator} reports: the watermark of its split (or source subtask). */
public interface WatermarkOutput {

    /** No record with a timestamp at or below {@code watermark} will follow. Lower values than before are ignored. */
    void emitWatermark(long watermark);

    /** This split has nothing to say for now and must not hold back the others. */
    void markIdle();
}
