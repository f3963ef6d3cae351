package dev.weir.runtime.dataflow.windowing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.dataflow.functions.TimerService;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Sliding windows whose size is a multiple of their slide, aggregated in panes (slices, as Flink
 * SQL's window aggregation does for hopping windows): a key keeps one accumulator per slide-long
 * pane, a record updates the one pane that holds it instead of each of its {@code size / slide}
 * windows, and a window that fires merges copies of its panes into a fresh accumulator
 * ({@link AggregateFunction#mergeIsExact()} says that this gives what adding the records would).
 * A pane goes when the last window that holds it (the one starting with it) is past its allowed
 * lateness.
 *
 * <p>What it emits, and when, is exactly what {@link WindowProcessFunction} emits for the same
 * records, watermarks and lateness, and it registers the same timers in the same order: a window
 * "exists" (has a timer, fires) when it holds a pane, which it does exactly when the whole-window
 * operator would hold it. A record late for some of its windows lands in its pane all the same;
 * the windows it was late for have fired for the last time and never read the pane again.
 *
 * <p>State: a key's panes in one {@link FixedSizeWindows} (format 2, {@link PaneSerializer}). Windows
 * restored whole from a checkpoint written before panes stay whole in it ({@link FixedSizeWindows#whole()}):
 * such a window fires as its whole accumulator merged with the panes added since. The table's
 * horizon is where its windows that are gone for good end: after a restore the watermark starts
 * over, and a record may then be on time for a window that fired and went before the checkpoint;
 * the whole-window operator opens that window afresh, so it is held whole here too, without the
 * panes' earlier records.
 */
final class SlicedWindowProcessFunction<K, IN, ACC, OUT> extends KeyedProcessFunction<K, IN, OUT> {

    private static final Logger LOG = LoggerFactory.getLogger(SlicedWindowProcessFunction.class);

    private final SlidingWindows assigner;
    private final AggregateFunction<IN, ACC, ?> aggregate;
    private final TypeSerializer<ACC> accumulatorSerializer;
    private final WindowProcessFunction.WindowEmitter<K, ACC, OUT> emitter;
    private final long allowedLateness;
    private final WindowTimers windowTimers;
    private final WindowProcessFunction.LateDataOutput<IN> lateData;
    private final boolean eventTime;
    private final long size;
    private final long slide;
    private final long offset;
    private final int panesPerWindow;
    /** Window starts and slide numbers; a pane has the slide number of the window starting with it. */
    private final FixedSizeWindows.Layout layout;
    /** The windows made last, by start / slide, shared by every key's window that fires at one time. */
    private final TimeWindow[] recentWindows;
    private ValueState<FixedSizeWindows<ACC>> panes;
    private long lateRecords;

    SlicedWindowProcessFunction(SlidingWindows assigner, AggregateFunction<IN, ACC, ?> aggregate,
                                TypeSerializer<ACC> accumulatorSerializer,
                                WindowProcessFunction.WindowEmitter<K, ACC, OUT> emitter, long allowedLateness,
                                WindowProcessFunction.LateDataOutput<IN> lateData) {
        if (!canSlice(assigner)) {
            throw new IllegalArgumentException(assigner + ": panes need a size that is a multiple of the slide");
        }
        this.assigner = assigner;
        this.aggregate = aggregate;
        this.accumulatorSerializer = accumulatorSerializer;
        this.emitter = emitter;
        this.allowedLateness = allowedLateness;
        this.windowTimers = new WindowTimers(assigner.isEventTime(), allowedLateness);
        this.lateData = lateData;
        this.eventTime = assigner.isEventTime();
        this.size = assigner.size();
        this.slide = assigner.slide();
        this.offset = assigner.offset();
        this.panesPerWindow = (int) Math.min(size / slide, Integer.MAX_VALUE);
        this.layout = new FixedSizeWindows.Layout(size, slide, offset);
        long perRecord = Math.min(size / slide + 2, 1 << 10);
        this.recentWindows = new TimeWindow[Integer.highestOneBit((int) perRecord) << 1];
    }

    /** Whether panes can serve {@code assigner}: sliding windows of a multiple (above one) of their slide. */
    static boolean canSlice(WindowAssigner assigner) {
        return assigner instanceof SlidingWindows sliding && sliding.size() > sliding.slide()
                && sliding.size() % sliding.slide() == 0;
    }

    @Override
    public void open(RuntimeContext context) {
        // The whole-window operator's state name: its checkpoints restore here (format 1).
        panes = context.getState(StateDescriptor.value("_windows", new PaneSerializer<>(layout, accumulatorSerializer)));
    }

    @Override
    public void processElement(IN value, Context<K> context, Collector<OUT> out) throws Exception {
        TimerService timers = context.timerService();
        long timestamp;
        if (eventTime) {
            Long eventTimestamp = context.timestamp();
            if (eventTimestamp == null) {
                throw MissingTimestamp.in("");
            }
            timestamp = eventTimestamp;
        } else {
            timestamp = timers.currentProcessingTime();
        }
        long watermark = timers.currentWatermark();
        long paneStart = TimeWindow.windowStart(timestamp, offset, slide);
        if (eventTime && cleanupTime(paneStart + size - 1) <= watermark) {
            // Too late for its newest window, so for all of them.
            if (lateData != null) {
                lateData.output(value, context);
            } else {
                for (long start = paneStart; start > timestamp - size; start -= slide) {
                    countLate(start, timestamp, watermark);
                }
            }
            return;
        }
        FixedSizeWindows<ACC> open = panes.value();
        if (open == null) {
            open = new FixedSizeWindows<>();
        }
        long oldestLive = paneStart;
        while (oldestLive - slide > timestamp - size
                && !(eventTime && cleanupTime(oldestLive - slide + size - 1) <= watermark)) {
            oldestLive -= slide;
        }
        if (oldestLive - slide > timestamp - size) {
            // The record's window before oldestLive is past its lateness, so is every window before
            // it: fired and cleaned up, if they were there, or never to be filled.
            open.advanceHorizon(oldestLive);
        }
        long horizon = open.horizon();
        long paneNumber = layout.slideNumber(paneStart);
        boolean newPane = false;
        if (paneStart >= horizon) {
            int slot = open.find(paneStart, paneNumber);
            newPane = slot < 0;
            if (newPane) {
                open.add(paneStart, paneNumber, aggregate.add(value, aggregate.createAccumulator()), layout);
            } else {
                open.setAccumulator(slot, aggregate.add(value, open.accumulator(slot)));
            }
        }
        // For a new pane: how many slides away its nearest pane before and after it is (panes if
        // none within a window). The window j slides before it holds another pane iff before <= j
        // or after <= panes - 1 - j.
        int before = panesPerWindow;
        int after = panesPerWindow;
        if (newPane) {
            for (int k = 1; k < panesPerWindow; k++) {
                if (open.find(paneStart - k * slide, paneNumber - k) >= 0) {
                    before = k;
                    break;
                }
            }
            for (int k = 1; k < panesPerWindow; k++) {
                if (open.find(paneStart + k * slide, paneNumber + k) >= 0) {
                    after = k;
                    break;
                }
            }
        }
        // The record's windows, newest first, as the whole-window operator visits them.
        long windowNumber = paneNumber;
        int j = 0;
        for (long start = paneStart; start > timestamp - size; start -= slide, windowNumber--, j++) {
            long maxTimestamp = start + size - 1;
            if (start < oldestLive) {
                if (lateData == null) {
                    countLate(start, timestamp, watermark);
                }
                continue;
            }
            if (start >= horizon) {
                // A pane already there had a record that these windows (not past their lateness then) hold.
                if (newPane && before > j && after >= panesPerWindow - j && !heldWhole(open, start, windowNumber)) {
                    registerNew(timers, maxTimestamp);
                }
            } else {
                addWhole(open, start, windowNumber, value, timers, maxTimestamp);
            }
            if (eventTime && maxTimestamp <= watermark) {
                // Late but within the allowed lateness: fire again with the record added.
                emitter.emit(context.getCurrentKey(), windowAt(start), contents(open, start, windowNumber), out);
            }
        }
        panes.update(open);
    }

    /**
     * A record for a window that had gone for good, on time again after a restore set the watermark
     * back: the window opens afresh, as the whole-window operator opens it, held whole.
     */
    private void addWhole(FixedSizeWindows<ACC> open, long start, long windowNumber, IN value, TimerService timers,
                          long maxTimestamp) {
        FixedSizeWindows<ACC> whole = open.whole();
        int slot = whole == null ? -1 : whole.find(start, windowNumber);
        if (slot < 0) {
            registerNew(timers, maxTimestamp);
            if (whole == null) {
                whole = new FixedSizeWindows<>();
            }
            whole.add(start, windowNumber, aggregate.add(value, aggregate.createAccumulator()), layout);
            open.setWhole(whole);
        } else {
            whole.setAccumulator(slot, aggregate.add(value, whole.accumulator(slot)));
        }
    }

    private static <ACC> boolean heldWhole(FixedSizeWindows<ACC> open, long start, long windowNumber) {
        FixedSizeWindows<ACC> whole = open.whole();
        return whole != null && whole.find(start, windowNumber) >= 0;
    }

    /**
     * The window's accumulator: a fresh one merged with copies of its whole part and (unless it
     * starts before the horizon) its panes, oldest first; null if it holds neither.
     */
    private ACC contents(FixedSizeWindows<ACC> open, long start, long windowNumber) {
        ACC result = null;
        FixedSizeWindows<ACC> whole = open.whole();
        if (whole != null) {
            int slot = whole.find(start, windowNumber);
            if (slot >= 0) {
                result = aggregate.merge(aggregate.createAccumulator(), accumulatorSerializer.copy(whole.accumulator(slot)));
            }
        }
        if (start < open.horizon()) {
            return result;
        }
        long number = windowNumber;
        for (long pane = start; pane < start + size; pane += slide, number++) {
            int slot = open.find(pane, number);
            if (slot >= 0) {
                result = aggregate.merge(result == null ? aggregate.createAccumulator() : result,
                        accumulatorSerializer.copy(open.accumulator(slot)));
            }
        }
        return result;
    }

    /**
     * The window ending at the timer fires if it holds anything; the window whose clean-up time it
     * is goes, and with it its first pane, which no later window holds. (Clean-up times that
     * saturated at Long.MAX_VALUE are shared: those go by scan.)
     */
    @Override
    public void onTimer(long timestamp, Context<K> context, Collector<OUT> out) throws Exception {
        FixedSizeWindows<ACC> open = panes.value();
        if (open == null) {
            return;
        }
        FixedSizeWindows<ACC> whole = open.whole();
        if (timestamp == Long.MAX_VALUE) {
            // only at the end of time: nothing can come after it
            open.removeStarts(start -> cleanupTime(start + size - 1) == timestamp, layout);
            if (whole != null) {
                whole.removeStarts(start -> cleanupTime(start + size - 1) == timestamp, layout);
            }
        } else {
            long start = timestamp + 1 - size;
            long number = layout.slideNumber(start);
            ACC contents = contents(open, start, number);
            if (contents != null) {
                emitter.emit(context.getCurrentKey(), windowAt(start), contents, out);
            }
            long lateness = eventTime ? allowedLateness : 0;
            long maxTimestamp = timestamp - lateness;
            long expired = maxTimestamp + 1 - size;
            // (a timer of another window's end is no clean-up time unless it is also one on the grid)
            if (cleanupTime(maxTimestamp) == timestamp && Math.floorMod(expired - offset, slide) == 0) {
                long expiredNumber = layout.slideNumber(expired);
                int slot = open.find(expired, expiredNumber);
                if (slot >= 0) {
                    open.remove(slot, layout);
                }
                if (whole != null && (slot = whole.find(expired, expiredNumber)) >= 0) {
                    whole.remove(slot, layout);
                }
                open.advanceHorizon(expired + slide);
            }
        }
        open.setWhole(whole);
        if (open.isEmpty() && open.whole() == null) {
            panes.clear();
        } else {
            panes.update(open);
        }
    }

    /** The window starting at {@code start}. */
    private TimeWindow windowAt(long start) {
        int slot = (int) ((start - offset) / slide) & (recentWindows.length - 1);
        TimeWindow window = recentWindows[slot];
        if (window == null || window.start() != start) {
            window = new TimeWindow(start, start + size);
            recentWindows[slot] = window;
        }
        return window;
    }

    /** The timers of a window that a record just gave its first pane (as {@link WindowProcessFunction} does). */
    private void registerNew(TimerService timers, long maxTimestamp) {
        windowTimers.registerNew(timers, maxTimestamp);
    }

    private long cleanupTime(long maxTimestamp) {
        return windowTimers.cleanupTime(maxTimestamp);
    }

    private void countLate(long start, long timestamp, long watermark) {
        if (lateRecords++ == 0) {
            LOG.info("a record at {} is late for window [{}, {}) (watermark {}): dropped; later ones are counted only",
                    timestamp, start, start + size, watermark);
        }
    }

    /** Late records dropped by this subtask so far (per window they were too late for). */
    long lateRecords() {
        return lateRecords;
    }

    @Override
    public String toString() {
        return "SlicedWindowProcessFunction[" + assigner + "]";
    }
}
