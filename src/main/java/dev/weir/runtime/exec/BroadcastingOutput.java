package dev.weir.runtime.exec;

import java.util.List;

import dev.weir.runtime.exec.operators.Output;
import dev.weir.runtime.network.WatermarkStatus;

/** An operator with several consumers hands each record and watermark to all of them, in order. */
final class BroadcastingOutput implements Output {

    private final Output[] outputs;

    BroadcastingOutput(List<Output> outputs) {
        this.outputs = outputs.toArray(new Output[0]);
    }

    @Override
    public void collect(Object record) {
        for (Output output : outputs) {
            output.collect(record);
        }
    }

    @Override
    public void emitWatermark(long watermark) {
        for (Output output : outputs) {
            output.emitWatermark(watermark);
        }
    }

    @Override
    public void emitWatermarkStatus(WatermarkStatus status) {
        for (Output output : outputs) {
            output.emitWatermarkStatus(status);
        }
    }
}
