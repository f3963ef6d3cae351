package com.example.sensors;

import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;

/**
 * Keeps each sensor's statistics in keyed state and reports, for every reading, the sensor's
 * statistics including it: {@code sensor,count,sequence,deciCelsius,min,max,sum}.
 */
public final class SensorStatsFunction extends KeyedProcessFunction<String, Reading, String> {

    /** The state's name matches it to the checkpoint on restore: keep it when the code changes. */
    public static final StateDescriptor.Value<SensorStats> STATS =
            StateDescriptor.value("stats", new SensorStats.Serializer());

    private ValueState<SensorStats> stats;

    @Override
    public void open(RuntimeContext context) {
        stats = context.getState(STATS);
    }

    @Override
    public void processElement(Reading reading, Context<String> context, Collector<String> out) {
        SensorStats before = stats.value();
        SensorStats after = before == null ? SensorStats.of(reading) : before.add(reading);
        stats.update(after);
        out.collect(reading.sensor() + "," + after.count() + "," + reading.sequence() + "," + reading.deciCelsius()
                + "," + after.min() + "," + after.max() + "," + after.sum());
    }
}
