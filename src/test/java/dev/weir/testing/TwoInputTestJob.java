package dev.weir.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.examples.Outputs;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.CoGroupFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedCoProcessFunction;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.ProcessJoinFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.dataflow.windowing.TumblingWindows;
import dev.weir.runtime.state.ListState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.Types;

/**
 * Three pipelines of two-input operators over three generator sources, each with an exactly-once
 * file sink of its own ({@code <output>/union}, {@code /enrich}, {@code /join}):
 * <ul>
 * <li>union: {@code left ∪ right}, through a non-keyed map (forward edges into one task), keyed-count's
 *     contract per key {@code i mod keys}: one line {@code key,count,sum} per record;</li>
 * <li>enrich: {@code left} keyed by {@code i mod keys} connected to a control stream (one record per key,
 *     slower than the data) in a keyed co-process function that buffers a key's records until its
 *     multiplier came: {@code key,i,i*(key+1)} once per left record;</li>
 * <li>join: an interval join of {@code left} and {@code right} on {@code i mod keys} and event time,
 *     {@code right within [left - 4 ms, left + 7 ms]}: {@code l,r} once per pair;</li>
 * <li>window: a coGroup of {@code left} and {@code right} on {@code i mod keys} in tumbling event-time
 *     windows of {@link #WINDOW_MS}: once per key and window, each side's values in ascending order,
 *     {@code l1 l2|r1} (a side may be empty).</li>
 * </ul>
 */
public final class TwoInputTestJob implements JobDefinition {

    public static final long LOWER_MS = -4;
    public static final long UPPER_MS = 7;
    public static final long WINDOW_MS = 20;

    public static long leftTime(long i) {
        return i * 2 + (i * 7919) % 10;
    }

    public static long rightTime(long i) {
        return i * 3 + (i * 104729) % 14;
    }

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        long records = args.getLong("records", 10_000);
        long keys = args.getLong("keys", 10);
        long rate = args.getLong("rate", 0);
        String output = args.require("output");
        DataStream<Long> left = env.fromSource(limited(GeneratorSource.sequence(records), rate),
                WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ofMillis(9))
                        .withTimestampAssigner(TwoInputTestJob::leftTime), "left").returns(Types.LONG);
        DataStream<Long> right = env.fromSource(limited(GeneratorSource.sequence(records / 2), rate / 2),
                WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ofMillis(13))
                        .withTimestampAssigner(TwoInputTestJob::rightTime), "right").returns(Types.LONG);
        DataStream<Long> control = env.fromSource(limited(GeneratorSource.sequence(keys), rate == 0 ? 0 : 20),
                "control").returns(Types.LONG);

        left.union(right).map(i -> i).uid("unioned").returns(Types.LONG)
                .keyBy(i -> i % keys, Types.LONG)
                .process(new CountSumLines()).uid("union-count").returns(Types.STRING)
                .sinkTo(Outputs.sinkFor(output + "/union")).uid("union-sink");

        left.keyBy(i -> i % keys, Types.LONG)
                .connect(control.keyBy(k -> k, Types.LONG))
                .process(new Enrich()).uid("enrich").returns(Types.STRING)
                .sinkTo(Outputs.sinkFor(output + "/enrich")).uid("enrich-sink");

        left.keyBy(i -> i % keys, Types.LONG)
                .intervalJoin(right.keyBy(i -> i % keys, Types.LONG))
                .between(Duration.ofMillis(LOWER_MS), Duration.ofMillis(UPPER_MS))
                .process(new ProcessJoinFunction<Long, Long, String>() {
                    @Override
                    public void processElement(Long l, Long r, Context context, Collector<String> out) {
                        out.collect(l + "," + r);
                    }
                }).uid("join").returns(Types.STRING)
                .sinkTo(Outputs.sinkFor(output + "/join")).uid("join-sink");

        left.coGroup(right).where(i -> i % keys, Types.LONG).equalTo(i -> i % keys)
                .window(TumblingWindows.ofEventTime(Duration.ofMillis(WINDOW_MS)))
                .apply(new SortedSides()).uid("window-co-group").returns(Types.STRING)
                .sinkTo(Outputs.sinkFor(output + "/window")).uid("window-sink");
    }

    /** Each side's values in ascending order: {@code l1 l2|r1}. */
    static final class SortedSides implements CoGroupFunction<Long, Long, String> {
        @Override
        public void coGroup(Iterable<Long> left, Iterable<Long> right, Collector<String> out) {
            out.collect(sorted(left) + "|" + sorted(right));
        }

        private static String sorted(Iterable<Long> values) {
            List<Long> list = new ArrayList<>();
            values.forEach(list::add);
            list.sort(null);
            return String.join(" ", list.stream().map(String::valueOf).toList());
        }
    }

    private static GeneratorSource<Long> limited(GeneratorSource<Long> source, long rate) {
        return rate > 0 ? source.withRateLimit(rate) : source;
    }

    /** Multiplies a key's records by its control record's value + 1, holding them until it came. */
    static final class Enrich extends KeyedCoProcessFunction<Long, Long, Long, String> {
        private ValueState<Long> multiplier;
        private ListState<Long> waiting;

        @Override
        public void open(RuntimeContext context) {
            multiplier = context.getState(StateDescriptor.value("multiplier", Types.LONG));
            waiting = context.getState(StateDescriptor.list("waiting", Types.LONG));
        }

        @Override
        public void processElement1(Long value, KeyedProcessFunction.Context<Long> context, Collector<String> out) {
            Long factor = multiplier.value();
            if (factor == null) {
                waiting.add(value);
            } else {
                out.collect(context.getCurrentKey() + "," + value + "," + value * factor);
            }
        }

        @Override
        public void processElement2(Long control, KeyedProcessFunction.Context<Long> context, Collector<String> out) {
            long factor = control + 1;
            multiplier.update(factor);
            for (long value : waiting.get()) {
                out.collect(context.getCurrentKey() + "," + value + "," + value * factor);
            }
            waiting.clear();
        }
    }
}
