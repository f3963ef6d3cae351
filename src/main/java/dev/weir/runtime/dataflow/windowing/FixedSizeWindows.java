package dev.weir.runtime.dataflow.windowing;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.LongPredicate;

import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * One key's open windows of a tumbling or sliding assigner, by start: an open-addressing table whose
 * home slot is the start's slide number, so a record's update of its windows (five of a 10 s window
 * sliding by 2 s, consecutive slide numbers) is array arithmetic in one value, with no window object,
 * hash or map entry per window. At most half the slots are used (linear probing, backward-shift
 * removal), so its size follows the number of open windows, never the distance between their starts:
 * a record with a timestamp years ahead of the key's other windows costs one slot. A key with one
 * window (most keys of tumbling windows) holds it in two fields, without the arrays: they come with
 * its second window.
 *
 * <p>It is the window operator's per-key value state, written as the map window → accumulator that
 * a map state of windows writes ({@code int n; (start, end, accumulator)*}), so checkpoints and
 * savepoints of either representation restore into the other and into either state backend.
 */
final class FixedSizeWindows<ACC> {

    private static final int INITIAL_SLOTS = 8;

    /** Null while the table holds at most one window, in {@link #inlineStart} and {@link #inlineAccumulator}. */
    private long[] starts;
    private Object[] accumulators;
    private boolean[] used;
    private long inlineStart;
    private Object inlineAccumulator;
    private int size;
    /**
     * Only in a key's table of panes ({@link SlicedWindowProcessFunction}): the windows restored whole
     * from a checkpoint written before the operator kept panes, each fired (with the panes added
     * since) and dropped by its timers as before; null once there are none.
     */
    private FixedSizeWindows<ACC> whole;
    /**
     * Only in a key's table of panes: every window starting before it is gone for good (fired and
     * cleaned up, or too late for a record of the key), so it reads no pane; a record for it after
     * a restore has set the watermark back opens it afresh, held whole.
     */
    private long horizon = Long.MIN_VALUE;

    FixedSizeWindows() {
    }

    FixedSizeWindows<ACC> whole() {
        return whole;
    }

    void setWhole(FixedSizeWindows<ACC> whole) {
        this.whole = whole == null || whole.isEmpty() ? null : whole;
    }

    long horizon() {
        return horizon;
    }

    void advanceHorizon(long start) {
        horizon = Math.max(horizon, start);
    }

    private FixedSizeWindows(int slots) {
        starts = new long[slots];
        accumulators = new Object[slots];
        used = new boolean[slots];
    }

    /** The slot index of the window starting at {@code start}, or -1 if there is none. */
    int find(long start, long slideNumber) {
        if (used == null) {
            return size == 1 && inlineStart == start ? 0 : -1;
        }
        int mask = used.length - 1;
        for (int slot = home(slideNumber, mask); used[slot]; slot = (slot + 1) & mask) {
            if (starts[slot] == start) {
                return slot;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    ACC accumulator(int slot) {
        return (ACC) (used == null ? inlineAccumulator : accumulators[slot]);
    }

    void setAccumulator(int slot, ACC accumulator) {
        if (used == null) {
            inlineAccumulator = accumulator;
        } else {
            accumulators[slot] = accumulator;
        }
    }

    /** Adds the window starting at {@code start} (not there yet); returns its slot. */
    int add(long start, long slideNumber, ACC accumulator, Layout layout) {
        if (used == null) {
            if (size == 0) {
                inlineStart = start;
                inlineAccumulator = accumulator;
                size = 1;
                return 0;
            }
            spill(layout);
        }
        if ((size + 1) * 2 > used.length) {
            grow(layout);
        }
        int mask = used.length - 1;
        int slot = home(slideNumber, mask);
        while (used[slot]) {
            slot = (slot + 1) & mask;
        }
        used[slot] = true;
        starts[slot] = start;
        accumulators[slot] = accumulator;
        size++;
        return slot;
    }

    /**
     * Removes the window in {@code slot}, moving later windows of its probe run back so that every
     * window stays reachable from its home slot. Slots of other windows may change.
     */
    void remove(int slot, Layout layout) {
        if (used == null) {
            size = 0;
            inlineAccumulator = null;
            return;
        }
        int mask = used.length - 1;
        int hole = slot;
        for (int next = (hole + 1) & mask; used[next]; next = (next + 1) & mask) {
            int home = home(layout.slideNumber(starts[next]), mask);
            // The window at next may fill the hole if the hole lies on its probe path from home.
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                starts[hole] = starts[next];
                accumulators[hole] = accumulators[next];
                hole = next;
            }
        }
        used[hole] = false;
        accumulators[hole] = null;
        size--;
    }

    /** Removes every window whose start {@code matches}; returns how many. */
    int removeStarts(LongPredicate matches, Layout layout) {
        long[] doomed = new long[size];
        int n = 0;
        for (int slot = 0; slot < slots(); slot++) {
            if (isUsed(slot) && matches.test(start(slot))) {
                doomed[n++] = start(slot);
            }
        }
        for (int i = 0; i < n; i++) {
            remove(find(doomed[i], layout.slideNumber(doomed[i])), layout);
        }
        return n;
    }

    private static int home(long slideNumber, int mask) {
        return (int) slideNumber & mask;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The number of slots, for visiting every one with {@link #isUsed}. */
    int slots() {
        return used == null ? 1 : used.length;
    }

    boolean isUsed(int slot) {
        return used == null ? size == 1 : used[slot];
    }

    long start(int slot) {
        return used == null ? inlineStart : starts[slot];
    }

    /** Moves the inline window into arrays, for a second one (so there is exactly one). */
    private void spill(Layout layout) {
        starts = new long[INITIAL_SLOTS];
        accumulators = new Object[INITIAL_SLOTS];
        used = new boolean[INITIAL_SLOTS];
        int slot = home(layout.slideNumber(inlineStart), INITIAL_SLOTS - 1);
        used[slot] = true;
        starts[slot] = inlineStart;
        accumulators[slot] = inlineAccumulator;
        inlineAccumulator = null;
    }

    private void grow(Layout layout) {
        long[] oldStarts = starts;
        Object[] oldAccumulators = accumulators;
        boolean[] oldUsed = used;
        starts = new long[oldUsed.length << 1];
        accumulators = new Object[oldUsed.length << 1];
        used = new boolean[oldUsed.length << 1];
        int mask = used.length - 1;
        for (int i = 0; i < oldUsed.length; i++) {
            if (oldUsed[i]) {
                int slot = home(layout.slideNumber(oldStarts[i]), mask);
                while (used[slot]) {
                    slot = (slot + 1) & mask;
                }
                used[slot] = true;
                starts[slot] = oldStarts[i];
                accumulators[slot] = oldAccumulators[i];
            }
        }
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
            for (int i = 0; i < windows.slots(); i++) {
                if (windows.isUsed(i)) {
                    out.writeLong(windows.start(i));
                    out.writeLong(windows.start(i) + layout.size());
                    accumulatorSerializer.serialize(windows.accumulator(i), out);
                }
            }
        }

        @Override
        public FixedSizeWindows<ACC> deserialize(DataInput in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "the restored"
                        + " window state was written in panes (sliding windows whose AggregateFunction says"
                        + " mergeIsExact()), and this window operator keeps whole windows (its function no longer"
                        + " says mergeIsExact(), or its assigner is no longer a sliding window of a multiple of its"
                        + " slide): restore with the function and assigner that wrote it, or give the window"
                        + " operator a new uid to start it empty");
            }
            return read(n, in, layout, accumulatorSerializer);
        }

        /** Reads {@code n} windows (start, end, accumulator) of {@code layout}'s size, as {@link #serialize} wrote them. */
        static <ACC> FixedSizeWindows<ACC> read(int n, DataInput in, Layout layout,
                                                TypeSerializer<ACC> accumulatorSerializer) throws IOException {
            FixedSizeWindows<ACC> windows = n <= 1 ? new FixedSizeWindows<>() : new FixedSizeWindows<>(
                    Math.max(INITIAL_SLOTS, Integer.highestOneBit(n) << 2));
            for (int i = 0; i < n; i++) {
                long start = in.readLong();
                long end = in.readLong();
                ACC accumulator = accumulatorSerializer.deserialize(in);
                if (end - start != layout.size() || Math.floorMod(start - layout.offset(), layout.slide()) != 0) {
                    throw assignerChanged(start, end, layout);
                }
                long slideNumber = layout.slideNumber(start);
                if (windows.find(start, slideNumber) < 0) {
                    windows.add(start, slideNumber, accumulator, layout);
                }
            }
            return windows;
        }

        static UnrecoverableJobException assignerChanged(long start, long end, Layout layout) {
            return new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "the restored"
                    + " window state holds the window [" + start + ", " + end + "), which the window assigner"
                    + " (windows of " + layout.size() + " ms every " + layout.slide() + " ms) does not make:"
                    + " the assigner changed; give the window operator a new uid to start it empty");
        }

        @Override
        public FixedSizeWindows<ACC> copy(FixedSizeWindows<ACC> windows) {
            FixedSizeWindows<ACC> copy;
            if (windows.used == null) {
                copy = new FixedSizeWindows<>();
                copy.inlineStart = windows.inlineStart;
                copy.inlineAccumulator = windows.inlineAccumulator == null ? null
                        : accumulatorSerializer.copy(windows.accumulator(0));
            } else {
                copy = new FixedSizeWindows<>(windows.used.length);
                copy.starts = windows.starts.clone();
                copy.used = windows.used.clone();
                for (int i = 0; i < windows.used.length; i++) {
                    if (windows.used[i]) {
                        Object accumulator = windows.accumulators[i];
                        copy.accumulators[i] = accumulator == null ? null
                                : accumulatorSerializer.copy(windows.accumulator(i));
                    }
                }
            }
            copy.size = windows.size;
            copy.whole = windows.whole == null ? null : copy(windows.whole);
            copy.horizon = windows.horizon;
            return copy;
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("FixedSizeWindows[");
        for (int i = 0; i < slots(); i++) {
            if (isUsed(i)) {
                s.append(start(i)).append('=').append(accumulator(i)).append(' ');
            }
        }
        return s.append(']').toString();
    }
}
