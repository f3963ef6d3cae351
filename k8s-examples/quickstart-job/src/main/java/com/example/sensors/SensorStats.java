package com.example.sensors;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;

/** What the job remembers per sensor: how many readings, their sum, lowest and highest. */
public record SensorStats(long count, long sum, int min, int max) {

    public static SensorStats of(Reading first) {
        return new SensorStats(1, first.deciCelsius(), first.deciCelsius(), first.deciCelsius());
    }

    public SensorStats add(Reading reading) {
        return new SensorStats(count + 1, sum + reading.deciCelsius(), Math.min(min, reading.deciCelsius()),
                Math.max(max, reading.deciCelsius()));
    }

    /** Keyed state is written to every checkpoint with this serializer and read back on restore. */
    public static final class Serializer implements TypeSerializer<SensorStats> {
        @Override
        public void serialize(SensorStats stats, DataOutput out) throws IOException {
            out.writeLong(stats.count());
            out.writeLong(stats.sum());
            out.writeInt(stats.min());
            out.writeInt(stats.max());
        }

        @Override
        public SensorStats deserialize(DataInput in) throws IOException {
            return new SensorStats(in.readLong(), in.readLong(), in.readInt(), in.readInt());
        }
    }
}
