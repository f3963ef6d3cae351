package dev.weir.runtime.dataflow.windowing;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.ProcessWindowFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.dataflow.functions.TimerService;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The window operator, as a keyed function: each key's open windows are keyed state, window →
 * accumulator (updated once per record: incremental for reduce and aggregate), and each window has
 * a timer at its last millisecond in the assigner's time domain. So window contents and pending
 * firings are keyed state and timers: checkpointed per key group and rescalable like any other.
 * Tumbling and sliding windows keep a key's windows in one value indexed by start
 * ({@link FixedSizeWindows}); sessions in one value of a few bounds and accumulators
 * ({@link MergingWindows}).
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
    private final WindowTimers windowTimers;
    private final LateDataOutput<IN> lateData;
    /** The one size of all windows of a tumbling or sliding assigner; 0 for sessions. */
    private final long fixedSize;
    /** The distance between window starts of a tumbling (its size) or sliding assigner, and their offset. */
    private final long fixedSlide;
    private final long fixedOffset;
    /** The gap of a session assigner; 0 for others. */
    private final long sessionGap;
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
    /** A key's sessions, with a merging assigner. */
    private ValueState<MergingWindows<ACC>> sessions;
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
        this.windowTimers = new WindowTimers(assigner.isEventTime(), allowedLateness);
        this.lateData = lateData;
        this.fixedSize = assigner instanceof TumblingWindows tumbling ? tumbling.size()
                : assigner instanceof SlidingWindows sliding ? sliding.size() : 0;
        this.sessionGap = assigner instanceof SessionWindows session ? session.gap() : 0;
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
            // Written as the map state of windows that sessions were kept in before: its savepoints restore.
            sessions = context.getState(StateDescriptor.value("_windows",
                    new MergingWindows.Serializer<>(accumulatorSerializer)));
        }
    }

    @Override
    public void processElement(IN value, Context<K> context, Collector<OUT> out) throws Exception {
        TimerService timers = context.timerService();
        long timestamp;
        if (assigner.isEventTime()) {
            Long eventTime = context.timestamp();
            if (eventTime == null) {
                throw MissingTimestamp.in("");
            }
            timestamp = eventTime;
        } else {
            timestamp = timers.currentProcessingTime();
        }
        if (fixedSize > 0) {
            addFixedSize(value, context, timers, timestamp, out);
        } else {
            addToSession(value, context, timers, timestamp, out);
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

    /**
     * Sessions: the record's window {@code [timestamp, timestamp + gap)} and every session of the key
     * it overlaps or touches become one, with their accumulators merged. The timers of the sessions
     * merged away stay registered: on event time without allowed lateness the merged session
     * inherits them ({@link #inheritSessionTimers}); else they find no session when they fire, and
     * the merged one gets its own. Lateness is judged on the merged session, as Flink does: a record
     * behind the watermark still joins a session that is open.
     */
    private void addToSession(IN value, Context<K> context, TimerService timers, long timestamp, Collector<OUT> out)
            throws Exception {
        long end = timestamp + sessionGap > timestamp ? timestamp + sessionGap : Long.MAX_VALUE;
        MergingWindows<ACC> open = sessions.value();
        long mergedStart = timestamp;
        long mergedEnd = end;
        int first = -1;
        int absorbed = 0;
        int n = open == null ? 0 : open.size();
        for (int i = 0; i < n; i++) {
            if (open.intersects(i, timestamp, end)) {
                mergedStart = Math.min(mergedStart, open.start(i));
                mergedEnd = Math.max(mergedEnd, open.end(i));
                if (first < 0) {
                    first = i;
                }
                absorbed++;
            }
        }
        if (assigner.isEventTime() && cleanupTime(mergedEnd - 1) <= timers.currentWatermark()) {
            if (lateData != null) {
                lateData.output(value, context);
            } else {
                countLate(mergedStart, mergedEnd, timestamp, timers);
            }
            return;
        }
        boolean unchanged = absorbed == 1 && open.start(first) == mergedStart && open.end(first) == mergedEnd;
        ACC accumulator;
        if (first < 0) {
            if (open == null) {
                open = new MergingWindows<>();
            }
            accumulator = aggregate.add(value, aggregate.createAccumulator());
            first = open.add(mergedStart, mergedEnd, accumulator);
        } else {
            accumulator = open.accumulator(first);
            // downwards: a removal moves the last session to its index, one already looked at
            for (int i = n - 1; i > first; i--) {
                if (open.intersects(i, timestamp, end)) {
                    accumulator = aggregate.merge(accumulator, open.accumulator(i));
                    open.remove(i);
                }
            }
            accumulator = aggregate.add(value, accumulator);
            open.set(first, mergedStart, mergedEnd, accumulator);
        }
        sessions.update(open);
        if (absorbed > 0 && inheritSessionTimers) {
            return; // the absorbed sessions' timers lie inside the merged one: they pass it on
        }
        boolean isNew = !unchanged;
        if (assigner.isEventTime() && mergedEnd - 1 <= timers.currentWatermark()) {
            // A session that already fired, grown within the allowed lateness: fire again now, and
            // only its clean-up is left for a timer (as Flink's event-time trigger).
            if (isNew) {
                timers.registerEventTimeTimer(cleanupTime(mergedEnd - 1));
            }
            emit(context.getCurrentKey(), new TimeWindow(mergedStart, mergedEnd), accumulator, out);
        } else if (isNew) {
            register(timers, mergedEnd - 1);
        }
    }

    @Override
    public void onTimer(long timestamp, Context<K> context, Collector<OUT> out) throws Exception {
        if (layout != null) {
            onFixedSizeTimer(timestamp, context, out);
            return;
        }
        onSessionTimer(timestamp, context, out);
    }

    /**
     * Sessions: the one ending at the timer fires, one whose clean-up time it is goes, and (when
     * sessions inherit timers) a session that grew past the timer gets one at its end.
     */
    private void onSessionTimer(long timestamp, Context<K> context, Collector<OUT> out) throws Exception {
        MergingWindows<ACC> open = sessions.value();
        if (open == null) {
            return;
        }
        boolean removed = false;
        // downwards: a removal moves the last session to its index, one already looked at
        for (int i = open.size() - 1; i >= 0; i--) {
            long start = open.start(i);
            long maxTimestamp = open.end(i) - 1;
            boolean due = maxTimestamp == timestamp || cleanupTime(maxTimestamp) == timestamp;
            if (maxTimestamp == timestamp) {
                emit(context.getCurrentKey(), new TimeWindow(start, open.end(i)), open.accumulator(i), out);
            }
            if (cleanupTime(maxTimestamp) == timestamp) {
                open.remove(i);
                removed = true;
            } else if (!due && inheritSessionTimers && start <= timestamp && timestamp < maxTimestamp) {
                // the timer of a session this one absorbed: it moves to this one's end
                register(context.timerService(), maxTimestamp);
            }
        }
        if (open.isEmpty()) {
            sessions.clear();
        } else if (removed) {
            sessions.update(open);
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

    private void registerNew(TimerService timers, long maxTimestamp) {
        windowTimers.registerNew(timers, maxTimestamp);
    }

    private void register(TimerService timers, long maxTimestamp) {
        windowTimers.register(timers, maxTimestamp);
    }

    private long cleanupTime(long maxTimestamp) {
        return windowTimers.cleanupTime(maxTimestamp);
    }

    private void emit(K key, TimeWindow window, ACC accumulator, Collector<OUT> out) throws Exception {
        emitter.emit(key, window, accumulator, out);
    }
}
