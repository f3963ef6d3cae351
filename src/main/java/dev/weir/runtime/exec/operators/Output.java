package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.network.WatermarkStatus;

/**
 * Where an operator emits: records (their timestamp is the task's {@link RecordTimestamp}) and,
 * in the same order, watermarks and watermark status. Chained operators receive all three by
 * direct calls; a network output puts them on its channels in the order they came.
 */
public interface Output extends Collector<Object> {

    void emitWatermark(long watermark);

    void emitWatermarkStatus(WatermarkStatus status);

    /**
     * A record for the side output {@code tag}. Only the output of the operator that emits it routes
     * it (to the nodes reading that side output); anywhere else nobody reads it and it is dropped.
     */
    default void collect(OutputTag<?> tag, Object record) {}

    /** Records go to {@code records}; watermarks are dropped (tests of a single operator). */
    static Output recordsOnly(Collector<Object> records) {
        return new Output() {
            @Override
            public void collect(Object record) {
                records.collect(record);
            }

            @Override
            public void emitWatermark(long watermark) {}

            @Override
            public void emitWatermarkStatus(WatermarkStatus status) {}
        };
    }
}
