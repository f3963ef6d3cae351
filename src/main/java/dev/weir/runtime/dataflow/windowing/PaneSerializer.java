package dev.weir.runtime.dataflow.windowing;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Writes a key's panes ({@link SlicedWindowProcessFunction}) in window state format 2, and reads
 * both formats: format 1 is the map window → accumulator that whole windows are written as
 * ({@link FixedSizeWindows.Serializer}: {@code int n >= 0; (start, end, accumulator)*}), so a
 * checkpoint or savepoint taken before the operator kept panes restores into it, its windows kept
 * whole until they fire. Format 2 starts with a negative int, which a reader of format 1 refuses
 * with a message instead of misreading:
 * <pre>
 * int -2; long size; long slide; long horizon (windows starting before it read no pane);
 * int panes; (long start, accumulator)*      each pane is [start, start + slide)
 * int whole; (long start, accumulator)*      windows held whole, [start, start + size)
 * </pre>
 */
record PaneSerializer<ACC>(FixedSizeWindows.Layout layout, TypeSerializer<ACC> accumulatorSerializer)
        implements TypeSerializer<FixedSizeWindows<ACC>> {

    static final int FORMAT_PANES = -2;

    @Override
    public void serialize(FixedSizeWindows<ACC> panes, DataOutput out) throws IOException {
        out.writeInt(FORMAT_PANES);
        out.writeLong(layout.size());
        out.writeLong(layout.slide());
        out.writeLong(panes.horizon());
        writeStarts(panes, out);
        FixedSizeWindows<ACC> whole = panes.whole();
        if (whole == null) {
            out.writeInt(0);
        } else {
            writeStarts(whole, out);
        }
    }

    private void writeStarts(FixedSizeWindows<ACC> table, DataOutput out) throws IOException {
        out.writeInt(table.size());
        for (int slot = 0; slot < table.slots(); slot++) {
            if (table.isUsed(slot)) {
                out.writeLong(table.start(slot));
                accumulatorSerializer.serialize(table.accumulator(slot), out);
            }
        }
    }

    @Override
    public FixedSizeWindows<ACC> deserialize(DataInput in) throws IOException {
        int first = in.readInt();
        if (first >= 0) {
            FixedSizeWindows<ACC> panes = new FixedSizeWindows<>();
            panes.setWhole(FixedSizeWindows.Serializer.read(first, in, layout, accumulatorSerializer));
            return panes;
        }
        if (first != FORMAT_PANES) {
            throw new IOException("unknown window state format " + (-first) + " (this Weir reads formats 1 and 2)");
        }
        long size = in.readLong();
        long slide = in.readLong();
        if (size != layout.size() || slide != layout.slide()) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "the restored window"
                    + " state holds panes of windows of " + size + " ms every " + slide + " ms, and the window assigner"
                    + " makes windows of " + layout.size() + " ms every " + layout.slide() + " ms: the assigner"
                    + " changed; give the window operator a new uid to start it empty");
        }
        long horizon = in.readLong();
        FixedSizeWindows<ACC> panes = readStarts(in, slide);
        panes.setWhole(readStarts(in, size));
        panes.advanceHorizon(horizon);
        return panes;
    }

    private FixedSizeWindows<ACC> readStarts(DataInput in, long length) throws IOException {
        int n = in.readInt();
        FixedSizeWindows<ACC> table = new FixedSizeWindows<>();
        for (int i = 0; i < n; i++) {
            long start = in.readLong();
            ACC accumulator = accumulatorSerializer.deserialize(in);
            if (Math.floorMod(start - layout.offset(), layout.slide()) != 0) {
                throw FixedSizeWindows.Serializer.assignerChanged(start, start + length, layout);
            }
            long slideNumber = layout.slideNumber(start);
            if (table.find(start, slideNumber) < 0) {
                table.add(start, slideNumber, accumulator, layout);
            }
        }
        return table;
    }

    @Override
    public FixedSizeWindows<ACC> copy(FixedSizeWindows<ACC> panes) {
        return new FixedSizeWindows.Serializer<>(layout, accumulatorSerializer).copy(panes);
    }
}
