package dev.weir.coordinator;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so. */
final class ManualClock implements Clock {

    private final AtomicLong millis;

    ManualClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    void advance(long deltaMillis) {
        millis.addAndGet(deltaMillis);
    }
}
