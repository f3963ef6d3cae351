package dev.weir.runtime.exec.operators;

import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.network.WatermarkStatus;

/**
 * An operator's output for tests: each record as {@code record@timestamp} (the task's record
 * timestamp when it was emitted), each watermark as {@code W:watermark}, each status by name.
 */
final class RecordingOutput implements Output {

    final List<String> emitted = new ArrayList<>();
    /** The records themselves, in the order emitted. */
    final List<Object> records = new ArrayList<>();
    private final RecordTimestamp timestamp;

    RecordingOutput(RecordTimestamp timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public void collect(Object record) {
        emitted.add(record + "@" + timestamp.get());
        records.add(record);
    }

    @Override
    public void emitWatermark(long watermark) {
        emitted.add("W:" + watermark);
    }

    @Override
    public void emitWatermarkStatus(WatermarkStatus status) {
        emitted.add(status.name());
    }
}
