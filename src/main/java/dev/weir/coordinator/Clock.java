package dev.weir.coordinator;

/** Wall-clock time in milliseconds; an interface so tests can drive time by hand. */
public interface Clock {

    long millis();

    static Clock system() {
        return System::currentTimeMillis;
    }
}
