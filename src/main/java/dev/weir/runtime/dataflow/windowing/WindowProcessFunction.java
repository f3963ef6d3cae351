package dev.weir.runtime.dataflow.windowing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.ProcessWindowFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.dataflow.functions.TimerService;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * The window operator, as a keyed function: each key's open windows are a map state window →
 * accumulator (updated once per record: incremental for reduce and aggregate), and each window has
 * a timer at its last millisecond in the assigner's time domain. So window contents and pending
 * firings are keyed state and timers: checkpointed per key group and rescalable like any other.
 *
 * <p>A window fires when the timer at its {@link TimeWindow#maxTimestamp()} does (for event time:
 * when the watermark passes it, at the latest at the end of input), emits the window function's
 * output and is dropped once its allowed lateness is over. A record for a window already past its
 * lateness is late: it is dropped and counted.
 */
final class WindowProcessFunction<K, IN, ACC, V, OUT> extends KeyedProcessFunction<K, IN, OUT> {

    private static final Logger LOG = LoggerFactory.getLogger(WindowProcessFunction.class);

    private final WindowAssigner assigner;
    private final AggregateFunction<IN, ACC, V> aggregate;
    private final TypeSerializer<ACC> accumulatorSerializer;
    private final ProcessWindowFunction<V, OUT, K> windowFunction;
    private final long allowedLateness;
    private MapState<TimeWindow, ACC> windows;
    private long lateRecords;

    WindowProcessFunction(WindowAssigner assigner, AggregateFunction<IN, ACC, V> aggregate,
                          TypeSerializer<ACC> accumulatorSerializer, ProcessWindowFunction<V, OUT, K> windowFunction,
                          long allowedLateness) {
        this.assigner = assigner;
        this.aggregate = aggregate;
        this.accumulatorSerializer = accumulatorSerializer;
        this.windowFunction = windowFunction;
        this.allowedLateness = allowedLateness;
    }

    @Override
    public void open(RuntimeContext context) {
        windows = context.getState(StateDescriptor.map("_windows", TimeWindow.SERIALIZER, accumulatorSerializer));
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
        List<TimeWindow> assigned = assigner.assignWindows(timestamp);
        for (int i = 0, n = assigned.size(); i < n; i++) {
            TimeWindow window = assigned.get(i);
            if (assigner.isEventTime() && cleanupTime(window) <= timers.currentWatermark()) {
                if (lateRecords++ == 0) {
                    LOG.info("a record at {} is late for window {} (watermark {}): dropped; later ones are counted only",
                            timestamp, window, timers.currentWatermark());
                }
                continue;
            }
            ACC accumulator = windows.get(window);
            if (accumulator == null) {
                accumulator = aggregate.createAccumulator();
                register(timers, window);
            }
            accumulator = aggregate.add(value, accumulator);
            windows.put(window, accumulator);
            if (assigner.isEventTime() && window.maxTimestamp() <= timers.currentWatermark()) {
                // Late but within the allowed lateness: fire again with the record added.
                emit(context.getCurrentKey(), window, accumulator, out);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, Context<K> context, Collector<OUT> out) throws Exception {
        List<Map.Entry<TimeWindow, ACC>> due = new ArrayList<>();
        for (Map.Entry<TimeWindow, ACC> entry : windows.entries()) {
            long maxTimestamp = entry.getKey().maxTimestamp();
            if (maxTimestamp == timestamp || cleanupTime(entry.getKey()) == timestamp) {
                due.add(Map.entry(entry.getKey(), entry.getValue()));
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

    /** Late records dropped by this subtask so far. */
    long lateRecords() {
        return lateRecords;
    }

    private void register(TimerService timers, TimeWindow window) {
        if (assigner.isEventTime()) {
            timers.registerEventTimeTimer(window.maxTimestamp());
            if (allowedLateness > 0) {
                timers.registerEventTimeTimer(cleanupTime(window));
            }
        } else {
            timers.registerProcessingTimeTimer(window.maxTimestamp());
        }
    }

    private long cleanupTime(TimeWindow window) {
        if (!assigner.isEventTime()) {
            return window.maxTimestamp();
        }
        long cleanup = window.maxTimestamp() + allowedLateness;
        return cleanup >= window.maxTimestamp() ? cleanup : Long.MAX_VALUE;
    }

    private void emit(K key, TimeWindow window, ACC accumulator, Collector<OUT> out) throws Exception {
        windowFunction.process(key, window, List.of(aggregate.getResult(accumulator)), out);
    }
}
