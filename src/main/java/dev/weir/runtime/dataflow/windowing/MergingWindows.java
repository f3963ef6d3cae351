package dev.weir.runtime.dataflow.windowing;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * One key's open sessions (windows of a merging assigner): bounds and accumulators in three small
 * arrays, in no particular order. A key seldom has more than one or two sessions open, so a record
 * finds the sessions its window overlaps by a scan of a few longs, with no window object, hash or
 * map entry per session. Sessions never overlap or touch (those merge), so each holds a distinct
 * {@code end}: a timer's time names at most one session ending there.
 *
 * <p>It is the window operator's per-key value state, written as the map window → accumulator that
 * a map state of windows writes ({@code int n; (start, end, accumulator)*}), so checkpoints and
 * savepoints of sessions kept in a map state (before this class) restore into it, and back.
 */
final class MergingWindows<ACC> {

    private static final int INITIAL_CAPACITY = 2;

    private long[] starts;
    private long[] ends;
    private Object[] accumulators;
    private int size;

    MergingWindows() {
        this(INITIAL_CAPACITY);
    }

    private MergingWindows(int capacity) {
        starts = new long[capacity];
        ends = new long[capacity];
        accumulators = new Object[capacity];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long start(int i) {
        return starts[i];
    }

    long end(int i) {
        return ends[i];
    }

    @SuppressWarnings("unchecked")
    ACC accumulator(int i) {
        return (ACC) accumulators[i];
    }

    /** Whether session {@code i} overlaps or touches {@code [start, end)} (as {@link TimeWindow#intersects}). */
    boolean intersects(int i, long start, long end) {
        return starts[i] <= end && ends[i] >= start;
    }

    /** Replaces session {@code i} by {@code [start, end)} with {@code accumulator}. */
    void set(int i, long start, long end, ACC accumulator) {
        starts[i] = start;
        ends[i] = end;
        accumulators[i] = accumulator;
    }

    /** Adds the session {@code [start, end)}; returns its index. */
    int add(long start, long end, ACC accumulator) {
        if (size == starts.length) {
            int capacity = size * 2;
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
            accumulators = Arrays.copyOf(accumulators, capacity);
        }
        set(size, start, end, accumulator);
        return size++;
    }

    /** Removes session {@code i}; the last session takes its index (those below {@code i} keep theirs). */
    void remove(int i) {
        int last = --size;
        starts[i] = starts[last];
        ends[i] = ends[last];
        accumulators[i] = accumulators[last];
        accumulators[last] = null;
    }

    /** Writes the sessions as a map window → accumulator. */
    record Serializer<ACC>(TypeSerializer<ACC> accumulatorSerializer) implements TypeSerializer<MergingWindows<ACC>> {
        @Override
        public void serialize(MergingWindows<ACC> windows, DataOutput out) throws IOException {
            out.writeInt(windows.size);
            for (int i = 0; i < windows.size; i++) {
                out.writeLong(windows.starts[i]);
                out.writeLong(windows.ends[i]);
                accumulatorSerializer.serialize(windows.accumulator(i), out);
            }
        }

        @Override
        public MergingWindows<ACC> deserialize(DataInput in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                throw new IOException("negative session count " + n);
            }
            MergingWindows<ACC> windows = new MergingWindows<>(Math.max(INITIAL_CAPACITY, n));
            for (int i = 0; i < n; i++) {
                long start = in.readLong();
                long end = in.readLong();
                windows.add(start, end, accumulatorSerializer.deserialize(in));
            }
            return windows;
        }

        @Override
        public MergingWindows<ACC> copy(MergingWindows<ACC> windows) {
            MergingWindows<ACC> copy = new MergingWindows<>(Math.max(INITIAL_CAPACITY, windows.size));
            for (int i = 0; i < windows.size; i++) {
                ACC accumulator = windows.accumulator(i);
                copy.add(windows.starts[i], windows.ends[i],
                        accumulator == null ? null : accumulatorSerializer.copy(accumulator));
            }
            return copy;
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("MergingWindows[");
        for (int i = 0; i < size; i++) {
            s.append('[').append(starts[i]).append(", ").append(ends[i]).append(")=").append(accumulators[i]).append(' ');
        }
        return s.append(']').toString();
    }
}
