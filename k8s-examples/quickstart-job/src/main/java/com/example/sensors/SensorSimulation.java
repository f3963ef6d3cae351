package com.example.sensors;

/**
 * The job's input: a deterministic stream of readings, so that any run can be checked. Reading
 * {@code i} comes from sensor {@code (i * 2654435761) mod sensors} and has the temperature
 * {@code ((i * 7919) mod 601) - 200} tenths of a degree (-20.0 to 40.0 °C).
 */
public final class SensorSimulation {

    private SensorSimulation() {}

    public static Reading reading(long i, long sensors) {
        return new Reading(sensorName(Math.floorMod(i * 2654435761L, sensors)), i, deciCelsius(i));
    }

    public static String sensorName(long sensor) {
        return "sensor-" + sensor;
    }

    public static int deciCelsius(long i) {
        return (int) Math.floorMod(i * 7919L, 601L) - 200;
    }
}
