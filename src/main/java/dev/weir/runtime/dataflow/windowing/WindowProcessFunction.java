package dev.weir.runtime.dataflow.windowing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.ProcessWindowFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.dataflow.functions.TimerService;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The window operator, as a keyed function: each key's open windows are keyed state, window →
 * accumulator (updated once per record: incremental for reduce and aggregate), and each window has
 * a timer at its last millisecond in the assigner's time domain. So window contents and pending
 * firings are keyed state and timers: checkpointed per key group and rescalable like any other.
 * Tumbling and sliding windows keep a key's windows in one value indexed by start
 * ({@link FixedSizeWindows}); sessions (and other assigners) in a map state window → accumulator.
 *
 * <p>A window fires when the timer at its {@link TimeWindow#maxTimestamp()} does (for event time:
 * when the watermark passes it, at the latest at the end of input), emits the window function's
 * output and is dropped once its allowed lateness is over. A record for a window already past its
 * lateness is late: dropped and counted, or, with a late-data side output, emitted there once when
 * it is too late for every window it belongs to (as Flink does).
 */
final class WindowProcessFunction<K, IN, ACC, OUT> extends KeyedProcessFunction<K, IN, OUT> {

    /** Emits a fired window from its accumulator. */
    @FunctionalInterface
    interface WindowEmitter<K, ACC, OUT> {
        void emit(K key, TimeWindow window, ACC accumulator, Collector<OUT> out) throws Exception;
    }

    /**
     * Where a record goes that is too late for every window it belongs to, instead of being dropped
     * and counted: a side output ({@link #to}), or one per input of a window join.
     */
    @FunctionalInterface
    interface LateDataOutput<IN> {
        void output(IN record, Context<?> context);

        /** Emits late records to {@code tag}; null (drop them) without a tag. */
        static <IN> LateDataOutput<IN> to(OutputTag<IN> tag) {
            return tag == null ? null : (record, context) -> context.output(tag, record);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(WindowProcessFunction.class);

    private final WindowAssigner assigner;
    private final AggregateFunction<IN, ACC, ?> aggregate;
    private final TypeSerializer<ACC> accumulatorSerializer;
    private final WindowEmitter<K, ACC, OUT> emitter;
    private final long allowedLateness;
    private final LateDataOutput<IN> lateData;
    /** The one size of all windows of a tumbling or sliding assigner; 0 for sessions. */
    private final long fixedSize;
    /** The distance between window starts of a tumbling (its size) or sliding assigner, and their offset. */
    private final long fixedSlide;
    private final long fixedOffset;
    /** Where a tumbling or sliding assigner's windows start; null for other assigners. */
    private final FixedSizeWindows.Layout layout;
    /**
     * The windows of a fixed-size assigner made last, by start / slide: the windows that fire
     * together (every key's window ending at 9,999) share one object instead of one each.
     */
    private final TimeWindow[] recentWindows;
    /**
     * Sessions on event time without allowed lateness keep one timer each, inside the session
     * (at first at its end): a session that absorbs others, or grows with every record, takes
     * their timers over instead of deleting them and registering one at its new end per record;
     * a timer that fires inside a session that grew past it moves on to the session's end. (At the
     * end of input the watermark fires timers registered while timers fire, so none is lost.)
     */
    private final boolean inheritSessionTimers;
    /** A key's windows, with a tumbling or sliding assigner. */
    private ValueState<FixedSizeWindows<ACC>> fixedSizeWindows;
    /** A key's windows, with other assigners (sessions). */
    private MapState<TimeWindow, ACC> windows;
    private long lateRecords;

    /** An incremental aggregation whose single result goes to {@code windowFunction}. */
    <V> WindowProcessFunction(WindowAssigner assigner, AggregateFunction<IN, ACC, V> aggregate,
                              TypeSerializer<ACC> accumulatorSerializer, ProcessWindowFunction<V, OUT, K> windowFunction,
                              long allowedLateness, OutputTag<IN> lateDataTag) {
        this(assigner, aggregate, accumulatorSerializer, (WindowEmitter<K, ACC, OUT>) (key, window, accumulator, out) ->
                windowFunction.process(key, window, List.of(aggregate.getResult(accumulator)), out), allowedLateness,
                LateDataOutput.to(lateDataTag));
    }

    /** Windows whose accumulator is handed to {@code emitter} as it is when they fire. */
    static <K, IN, ACC, OUT> WindowProcessFunction<K, IN, ACC, OUT> emitting(
            WindowAssigner assigner, AggregateFunction<IN, ACC, ?> aggregate, TypeSerializer<ACC> accumulatorSerializer,
            WindowEmitter<K, ACC, OUT> emitter, long allowedLateness, LateDataOutput<IN> lateData) {
        return new WindowProcessFunction<>(assigner, aggregate, accumulatorSerializer, emitter, allowedLateness,
                lateData);
    }

    private WindowProcessFunction(WindowAssigner assigner, AggregateFunction<IN, ACC, ?> aggregate,
                          TypeSerializer<ACC> accumulatorSerializer, WindowEmitter<K, ACC, OUT> emitter,
                          long allowedLateness, LateDataOutput<IN> lateData) {
        this.assigner = assigner;
        this.aggregate = aggregate;
        this.accumulatorSerializer = accumulatorSerializer;
        this.emitter = emitter;
        this.allowedLateness = allowedLateness;
        this.lateData = lateData;
        this.fixedSize = assigner instanceof TumblingWindows tumbling ? tumbling.size()
                : assigner instanceof SlidingWindows sliding ? sliding.size() : 0;
        this.inheritSessionTimers = assigner.isMerging() && assigner.isEventTime() && allowedLateness == 0;
        this.fixedSlide = assigner instanceof TumblingWindows tumbling ? tumbling.size()
                : assigner instanceof SlidingWindows sliding ? sliding.slide() : 0;
        this.fixedOffset = assigner instanceof TumblingWindows tumbling ? tumbling.offset()
                : assigner instanceof SlidingWindows sliding ? sliding.offset() : 0;
        this.layout = fixedSize > 0 ? new FixedSizeWindows.Layout(fixedSize, fixedSlide, fixedOffset) : null;
        // a power of two above the windows per record (size / slide, + 1 for the one firing)
        long perRecord = fixedSlide > 0 ? Math.min(fixedSize / fixedSlide + 2, 1 << 10) : 1;
        this.recentWindows = new TimeWindow[Integer.highestOneBit((int) perRecord) << 1];
    }

    @Override
    public void open(RuntimeContext context) {
        // One name for both: they are written alike (FixedSizeWindows), so either restores the other's.
        if (layout != null) {
            fixedSizeWindows = context.getState(StateDescriptor.value("_windows",
                    new FixedSizeWindows.Serializer<>(layout, accumulatorSerializer)));
        } else {
            windows = context.getState(StateDescriptor.map("_windows", TimeWindow.SERIALIZER, accumulatorSerializer));
        }
    }

    @Override
    public void processElement(IN value, Context<K> context, Collector<OUT> out) throws Exception {
        TimerService timers = context.timerService();
        long timestamp;
        if (assigner.isEventTime()) {
            Long eventTime = context.timestamp();
            if (eventTime == null) {
                throw new IllegalStateException("an event-time window got a record without a timestamp: give the source"
                        + " a WatermarkStrategy with a timestamp assigner (env.fromSource(source, strategy, uid))");
            }
            timestamp = eventTime;
        } else {
            timestamp = timers.currentProcessingTime();
        }
        if (fixedSize > 0) {
            addFixedSize(value, context, timers, timestamp, out);
            return;
        }
        List<TimeWindow> assigned = assigner.assignWindows(timestamp);
        if (assigner.isMerging()) {
            for (int i = 0, n = assigned.size(); i < n; i++) {
                addMerging(assigned.get(i), value, context, timers, timestamp, out);
            }
            return;
        }
        boolean skipped = true;
        for (int i = 0, n = assigned.size(); i < n; i++) {
            skipped &= !addUnlessLate(assigned.get(i), value, context, timers, timestamp, out);
        }
        if (skipped && lateData != null && !assigned.isEmpty()) {
            lateData.output(value, context);
        }
    }

    /**
     * Tumbling and sliding windows: the record's windows by arithmetic (the starts {@code slide}
     * apart, newest first, as the assigners list them), each found by its start in the key's
     * {@link FixedSizeWindows}, which is read and written once per record.
     */
    private void addFixedSize(IN value, Context<K> context, TimerService timers, long timestamp, Collector<OUT> out)
            throws Exception {
        FixedSizeWindows<ACC> open = fixedSizeWindows.value();
        boolean isNew = open == null;
        if (isNew) {
            open = new FixedSizeWindows<>();
        }
        boolean eventTime = assigner.isEventTime();
        long watermark = timers.currentWatermark();
        boolean skipped = true;
        long lastStart = TimeWindow.windowStart(timestamp, fixedOffset, fixedSlide);
        long slideNumber = layout.slideNumber(lastStart);
        for (long start = lastStart; start > timestamp - fixedSize; start -= fixedSlide, slideNumber--) {
            long maxTimestamp = start + fixedSize - 1;
            if (eventTime && cleanupTime(maxTimestamp) <= watermark) {
                if (lateData == null) {
                    countLate(start, start + fixedSize, timestamp, timers);
                }
                continue;
            }
            skipped = false;
            int slot = open.find(start, slideNumber);
            ACC accumulator;
            if (slot < 0) {
                accumulator = aggregate.createAccumulator();
                registerNew(timers, maxTimestamp);
                accumulator = aggregate.add(value, accumulator);
                open.add(start, slideNumber, accumulator, layout);
            } else {
                accumulator = aggregate.add(value, open.accumulator(slot));
                open.setAccumulator(slot, accumulator);
            }
            if (eventTime && maxTimestamp <= watermark) {
                // Late but within the allowed lateness: fire again with the record added.
                emit(context.getCurrentKey(), windowAt(start), accumulator, out);
            }
        }
        if (!open.isEmpty()) {
            fixedSizeWindows.update(open);
        }
        if (skipped && lateData != null) {
            lateData.output(value, context);
        }
    }

    /**
     * Adds the record to {@code window} unless the window's lateness is over (then it is counted as
     * late, unless late records go to a side output); returns whether it was added.
     */
    private boolean addUnlessLate(TimeWindow window, IN value, Context<K> context, TimerService timers, long timestamp,
                                  Collector<OUT> out) throws Exception {
        if (assigner.isEventTime() && cleanupTime(window) <= timers.currentWatermark()) {
            if (lateData == null) {
                countLate(window.start(), window.end(), timestamp, timers);
            }
            return false;
        }
        add(window, value, context, timers, out);
        return true;
    }

    /** The fixed-size window starting at {@code start}. */
    private TimeWindow windowAt(long start) {
        int slot = (int) ((start - fixedOffset) / fixedSlide) & (recentWindows.length - 1);
        TimeWindow window = recentWindows[slot];
        if (window == null || window.start() != start) {
            window = new TimeWindow(start, start + fixedSize);
            recentWindows[slot] = window;
        }
        return window;
    }

    /** Adds the record to a window it is not too late for, firing it again if it is within the allowed lateness. */
    private void add(TimeWindow window, IN value, Context<K> context, TimerService timers, Collector<OUT> out)
            throws Exception {
        ACC accumulator = windows.get(window);
        if (accumulator == null) {
            accumulator = aggregate.createAccumulator();
            registerNew(timers, window.maxTimestamp());
        }
        accumulator = aggregate.add(value, accumulator);
        windows.put(window, accumulator);
        if (assigner.isEventTime() && window.maxTimestamp() <= timers.currentWatermark()) {
            // Late but within the allowed lateness: fire again with the record added.
            emit(context.getCurrentKey(), window, accumulator, out);
        }
    }

    /**
     * Merging windows (sessions): the new window and every window of the key it overlaps or touches
     * become one, with their accumulators merged. The timers of the windows merged away stay
     * registered: on event time without allowed lateness the merged window inherits them
     * ({@link #inheritSessionTimers}); else they find no window when they fire, and the merged
     * window gets its own. Lateness is judged on the
     * merged window, as Flink does: a record behind the watermark still joins a session that is open.
     */
    private void addMerging(TimeWindow window, IN value, Context<K> context, TimerService timers, long timestamp,
                            Collector<OUT> out) throws Exception {
        TimeWindow merged = window;
        ACC accumulator = null;
        List<TimeWindow> absorbed = null;
        for (Map.Entry<TimeWindow, ACC> entry : windows.entries()) {
            TimeWindow existing = entry.getKey();
            if (existing.intersects(window)) {
                merged = merged.cover(existing);
                accumulator = accumulator == null ? entry.getValue() : aggregate.merge(accumulator, entry.getValue());
                if (absorbed == null) {
                    absorbed = new ArrayList<>(2);
                }
                absorbed.add(existing);
            }
        }
        if (assigner.isEventTime() && cleanupTime(merged) <= timers.currentWatermark()) {
            if (lateData != null) {
                lateData.output(value, context);
            } else {
                countLate(merged.start(), merged.end(), timestamp, timers);
            }
            return;
        }
        if (accumulator == null) {
            accumulator = aggregate.createAccumulator();
        }
        accumulator = aggregate.add(value, accumulator);
        // The merged window goes in before the ones it absorbed go out: the key's map of windows
        // never empties in between (an empty one is dropped, and the next put makes a new one).
        windows.put(merged, accumulator);
        if (absorbed != null) {
            for (TimeWindow old : absorbed) {
                if (!old.equals(merged)) {
                    windows.remove(old);
                }
            }
            if (inheritSessionTimers) {
                return; // the absorbed windows' timers lie inside the merged one: they pass it on
            }
        }
        boolean isNew = absorbed == null || absorbed.size() != 1 || !absorbed.get(0).equals(merged);
        if (assigner.isEventTime() && merged.maxTimestamp() <= timers.currentWatermark()) {
            // A session that already fired, grown within the allowed lateness: fire again now, and
            // only its clean-up is left for a timer (as Flink's event-time trigger).
            if (isNew) {
                timers.registerEventTimeTimer(cleanupTime(merged));
            }
            emit(context.getCurrentKey(), merged, accumulator, out);
        } else if (isNew) {
            register(timers, merged);
        }
    }

    @Override
    public void onTimer(long timestamp, Context<K> context, Collector<OUT> out) throws Exception {
        if (layout != null) {
            onFixedSizeTimer(timestamp, context, out);
            return;
        }
        List<Map.Entry<TimeWindow, ACC>> due = new ArrayList<>();
        for (Map.Entry<TimeWindow, ACC> entry : windows.entries()) {
            TimeWindow window = entry.getKey();
            long maxTimestamp = window.maxTimestamp();
            if (maxTimestamp == timestamp || cleanupTime(window) == timestamp) {
                due.add(Map.entry(window, entry.getValue()));
            } else if (inheritSessionTimers && window.start() <= timestamp && timestamp < maxTimestamp) {
                // the timer of a session this one absorbed: it moves to this one's end
                register(context.timerService(), window);
            }
        }
        for (Map.Entry<TimeWindow, ACC> entry : due) {
            TimeWindow window = entry.getKey();
            if (window.maxTimestamp() == timestamp) {
                emit(context.getCurrentKey(), window, entry.getValue(), out);
            }
            if (cleanupTime(window) == timestamp) {
                windows.remove(window);
            }
        }
    }

    /**
     * Tumbling and sliding windows all have one size, so a timer's time names its windows: the one
     * ending there fires, and the one whose clean-up time it is goes, without looking at the key's
     * other windows. (A clean-up time that saturated at Long.MAX_VALUE is shared: those go by scan.)
     */
    private void onFixedSizeTimer(long timestamp, Context<K> context, Collector<OUT> out) throws Exception {
        FixedSizeWindows<ACC> open = fixedSizeWindows.value();
        if (open == null) {
            return;
        }
        if (timestamp == Long.MAX_VALUE) {
            open.removeStarts(start -> cleanupTime(start + fixedSize - 1) == timestamp, layout);
        } else {
            long start = timestamp + 1 - fixedSize;
            int slot = open.find(start, layout.slideNumber(start));
            if (slot >= 0) {
                emit(context.getCurrentKey(), windowAt(start), open.accumulator(slot), out);
                if (cleanupTime(timestamp) == timestamp) {
                    open.remove(slot, layout);
                }
            }
            if (assigner.isEventTime() && allowedLateness > 0) {
                long maxTimestamp = timestamp - allowedLateness;
                long expired = maxTimestamp + 1 - fixedSize;
                slot = open.find(expired, layout.slideNumber(expired));
                if (slot >= 0 && cleanupTime(maxTimestamp) == timestamp) {
                    open.remove(slot, layout);
                }
            }
        }
        if (open.isEmpty()) {
            fixedSizeWindows.clear();
        } else {
            fixedSizeWindows.update(open);
        }
    }

    private void countLate(long start, long end, long timestamp, TimerService timers) {
        if (lateRecords++ == 0) {
            LOG.info("a record at {} is late for window [{}, {}) (watermark {}): dropped; later ones are counted only",
                    timestamp, start, end, timers.currentWatermark());
        }
    }

    /** Late records dropped by this subtask so far (per window they were too late for). */
    long lateRecords() {
        return lateRecords;
    }

    /** The timers of a window just opened by a record (not by merging). */
    private void registerNew(TimerService timers, long maxTimestamp) {
        if (assigner.isEventTime() && maxTimestamp <= timers.currentWatermark()) {
            // Opened behind the watermark, within the allowed lateness: the record fires it now;
            // a timer at its end would fire it a second time. Only its clean-up is left.
            timers.registerEventTimeTimer(cleanupTime(maxTimestamp));
        } else {
            register(timers, maxTimestamp);
        }
    }

    private void register(TimerService timers, TimeWindow window) {
        register(timers, window.maxTimestamp());
    }

    private void register(TimerService timers, long maxTimestamp) {
        if (assigner.isEventTime()) {
            timers.registerEventTimeTimer(maxTimestamp);
            if (allowedLateness > 0) {
                timers.registerEventTimeTimer(cleanupTime(maxTimestamp));
            }
        } else {
            timers.registerProcessingTimeTimer(maxTimestamp);
        }
    }

    private long cleanupTime(TimeWindow window) {
        return cleanupTime(window.maxTimestamp());
    }

    /** When a window ending at {@code maxTimestamp} goes: after its allowed lateness (event time). */
    private long cleanupTime(long maxTimestamp) {
        if (!assigner.isEventTime()) {
            return maxTimestamp;
        }
        long cleanup = maxTimestamp + allowedLateness;
        return cleanup >= maxTimestamp ? cleanup : Long.MAX_VALUE;
    }

    private void emit(K key, TimeWindow window, ACC accumulator, Collector<OUT> out) throws Exception {
        emitter.emit(key, window, accumulator, out);
    }
}
