package dev.weir.runtime.dataflow.windowing;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * One key's open windows of a tumbling or sliding assigner, by start: slots indexed by the start's
 * slide number, so a record's update of its windows (five of a 10 s window sliding by 2 s) is array
 * arithmetic in one value, with no window object, hash or map entry per window. The slots double
 * when a start finds its slot taken by another live start (allowed lateness keeps more windows open).
 *
 * <p>It is the window operator's per-key value state, written as the map window → accumulator that
 * a map state of windows writes ({@code int n; (start, end, accumulator)*}), so checkpoints and
 * savepoints of either representation restore into the other and into either state backend.
 */
final class FixedSizeWindows<ACC> {

    private static final int INITIAL_SLOTS = 8;

    private long[] starts;
    private Object[] accumulators;
    private boolean[] used;
    private int size;

    FixedSizeWindows() {
        this(INITIAL_SLOTS);
    }

    private FixedSizeWindows(int slots) {
        starts = new long[slots];
        accumulators = new Object[slots];
        used = new boolean[slots];
    }

    /** The slot index of the window starting at {@code start}, or -1 if there is none. */
    int find(long start, long slideNumber) {
        int slot = (int) slideNumber & (used.length - 1);
        return used[slot] && starts[slot] == start ? slot : -1;
    }

    @SuppressWarnings("unchecked")
    ACC accumulator(int slot) {
        return (ACC) accumulators[slot];
    }

    void setAccumulator(int slot, ACC accumulator) {
        accumulators[slot] = accumulator;
    }

    /** Adds the window starting at {@code start} (not there yet); returns its slot. */
    int add(long start, long slideNumber, ACC accumulator, Layout layout) {
        int slot = (int) slideNumber & (used.length - 1);
        while (used[slot]) {
            grow(layout);
            slot = (int) slideNumber & (used.length - 1);
        }
        used[slot] = true;
        starts[slot] = start;
        accumulators[slot] = accumulator;
        size++;
        return slot;
    }

    void remove(int slot) {
        used[slot] = false;
        accumulators[slot] = null;
        size--;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The number of slots, for visiting every one with {@link #isUsed}. */
    int slots() {
        return used.length;
    }

    boolean isUsed(int slot) {
        return used[slot];
    }

    long start(int slot) {
        return starts[slot];
    }

    private void grow(Layout layout) {
        long[] oldStarts = starts;
        Object[] oldAccumulators = accumulators;
        boolean[] oldUsed = used;
        int slots = used.length;
        boolean placed;
        do {
            slots <<= 1;
            starts = new long[slots];
            accumulators = new Object[slots];
            used = new boolean[slots];
            placed = true;
            for (int i = 0; i < oldUsed.length && placed; i++) {
                if (oldUsed[i]) {
                    int slot = (int) layout.slideNumber(oldStarts[i]) & (slots - 1);
                    placed = !used[slot];
                    used[slot] = true;
                    starts[slot] = oldStarts[i];
                    accumulators[slot] = oldAccumulators[i];
                }
            }
        } while (!placed);
    }

    /** Where the windows of one assigner start: every {@code slide} from {@code offset}, each {@code size} long. */
    record Layout(long size, long slide, long offset) {
        long slideNumber(long start) {
            return Math.floorDiv(start - offset, slide);
        }
    }

    /** Writes the windows as a map window → accumulator; reads only windows of the layout's size. */
    record Serializer<ACC>(Layout layout, TypeSerializer<ACC> accumulatorSerializer)
            implements TypeSerializer<FixedSizeWindows<ACC>> {
        @Override
        public void serialize(FixedSizeWindows<ACC> windows, DataOutput out) throws IOException {
            out.writeInt(windows.size);
            for (int i = 0; i < windows.used.length; i++) {
                if (windows.used[i]) {
                    out.writeLong(windows.starts[i]);
                    out.writeLong(windows.starts[i] + layout.size());
                    accumulatorSerializer.serialize(windows.accumulator(i), out);
                }
            }
        }

        @Override
        public FixedSizeWindows<ACC> deserialize(DataInput in) throws IOException {
            int n = in.readInt();
            FixedSizeWindows<ACC> windows = new FixedSizeWindows<>(
                    Math.max(INITIAL_SLOTS, Integer.highestOneBit(Math.max(1, n - 1)) << 1));
            for (int i = 0; i < n; i++) {
                long start = in.readLong();
                long end = in.readLong();
                ACC accumulator = accumulatorSerializer.deserialize(in);
                if (end - start != layout.size() || Math.floorMod(start - layout.offset(), layout.slide()) != 0) {
                    throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "the restored"
                            + " window state holds the window [" + start + ", " + end + "), which the window assigner"
                            + " (windows of " + layout.size() + " ms every " + layout.slide() + " ms) does not make:"
                            + " the assigner changed; give the window operator a new uid to start it empty");
                }
                long slideNumber = layout.slideNumber(start);
                if (windows.find(start, slideNumber) < 0) {
                    windows.add(start, slideNumber, accumulator, layout);
                }
            }
            return windows;
        }

        @Override
        public FixedSizeWindows<ACC> copy(FixedSizeWindows<ACC> windows) {
            FixedSizeWindows<ACC> copy = new FixedSizeWindows<>(windows.used.length);
            copy.starts = windows.starts.clone();
            copy.used = windows.used.clone();
            copy.size = windows.size;
            for (int i = 0; i < windows.used.length; i++) {
                if (windows.used[i]) {
                    Object accumulator = windows.accumulators[i];
                    copy.accumulators[i] = accumulator == null ? null : accumulatorSerializer.copy(windows.accumulator(i));
                }
            }
            return copy;
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("FixedSizeWindows[");
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                s.append(starts[i]).append('=').append(accumulators[i]).append(' ');
            }
        }
        return s.append(']').toString();
    }
}
