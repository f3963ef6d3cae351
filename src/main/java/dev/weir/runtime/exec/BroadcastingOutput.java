package dev.weir.runtime.exec;

import java.util.List;

import dev.weir.runtime.dataflow.functions.Collector;

/** An operator with several consumers hands each record to all of them, in order. */
final class BroadcastingOutput implements Collector<Object> {

    private final Collector<Object>[] outputs;

    @SuppressWarnings("unchecked")
    BroadcastingOutput(List<Collector<Object>> outputs) {
        this.outputs = outputs.toArray(new Collector[0]);
    }

    @Override
    public void collect(Object record) {
        for (Collector<Object> output : outputs) {
            output.collect(record);
        }
    }
}
