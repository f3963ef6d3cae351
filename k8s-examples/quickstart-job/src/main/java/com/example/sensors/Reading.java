package com.example.sensors;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * One temperature reading of one sensor.
 *
 * @param sequence    the reading's position in the input (0, 1, 2, ...)
 * @param deciCelsius the temperature in tenths of a degree
 */
public record Reading(String sensor, long sequence, int deciCelsius) {

    /**
     * Readings cross the {@code keyBy} to the worker owning their sensor, so they need a
     * serializer: a few bytes written field by field, instead of Java serialization's class
     * descriptors (and no {@code Serializable} needed).
     */
    public static final class Serializer implements TypeSerializer<Reading> {
        @Override
        public void serialize(Reading reading, DataOutput out) throws IOException {
            out.writeUTF(reading.sensor());
            out.writeLong(reading.sequence());
            out.writeInt(reading.deciCelsius());
        }

        @Override
        public Reading deserialize(DataInput in) throws IOException {
            return new Reading(in.readUTF(), in.readLong(), in.readInt());
        }
    }
}
