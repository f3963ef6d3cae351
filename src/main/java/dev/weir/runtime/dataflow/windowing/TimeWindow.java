package dev.weir.runtime.dataflow.windowing;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.state.serialization.TypeSerializer;

/** The time interval {@code [start, end)} in milliseconds; it fires once time passes {@link #maxTimestamp()}. */
public record TimeWindow(long start, long end) {

    public static final TypeSerializer<TimeWindow> SERIALIZER = new TypeSerializer<>() {
        @Override
        public void serialize(TimeWindow window, DataOutput out) throws IOException {
            out.writeLong(window.start);
            out.writeLong(window.end);
        }

        @Override
        public TimeWindow deserialize(DataInput in) throws IOException {
            return new TimeWindow(in.readLong(), in.readLong());
        }

        /** Immutable: the copy-on-write snapshots of window state need no copy of the window. */
        @Override
        public TimeWindow copy(TimeWindow window) {
            return window;
        }
    };

    public TimeWindow {
        if (end <= start) {
            throw new IllegalArgumentException("a window must end after it starts: [" + start + ", " + end + ")");
        }
    }

    /**
     * Start and end mixed into all 32 bits (SplitMix64's finalizer): the record's default hash of
     * two longs puts a key's windows, whose bounds differ by multiples of the slide, into few hash
     * buckets of the window state's maps.
     */
    @Override
    public int hashCode() {
        long z = start * 31 + end;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z ^ (z >>> 32));
    }

    /** Whether the two overlap or touch (end of one = start of the other): session windows then merge. */
    public boolean intersects(TimeWindow other) {
        return start <= other.end && end >= other.start;
    }

    /** The smallest window that covers both. */
    public TimeWindow cover(TimeWindow other) {
        return new TimeWindow(Math.min(start, other.start), Math.max(end, other.end));
    }

    /** The last millisecond inside the window. */
    public long maxTimestamp() {
        return end - 1;
    }

    /** The start of the window of {@code size} (shifted by {@code offset}) that holds {@code timestamp}. */
    static long windowStart(long timestamp, long offset, long size) {
        return timestamp - Math.floorMod(timestamp - offset, size);
    }
}
