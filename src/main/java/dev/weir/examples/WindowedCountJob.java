package dev.weir.examples;

import java.time.Duration;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.windowing.TimeWindow;
import dev.weir.runtime.dataflow.windowing.TumblingWindows;
import dev.weir.runtime.state.serialization.Types;

/**
 * windowed-count, keyed-count's event-time twin (design §8): record i has key
 * (i * 2654435761) mod keys, value i and event time {@code i * stepMs + ((i * 7919) mod (disorderMs + 1))};
 * watermarks allow disorderMs of out-of-orderness (so no record is late); per key and tumbling
 * window {@code [w, w + windowMs)} the job emits {@code key,window_start,count,sum} once, when the
 * window fires.
 */
public final class WindowedCountJob implements JobDefinition {

    /** The job's arguments, checked where the job is built. */
    public record Settings(long records, long keys, long stepMs, long disorderMs, long windowMs, long rate) {

        public Settings {
            require(records >= 0, "records", records, ">= 0");
            require(keys >= 1, "keys", keys, ">= 1");
            require(stepMs >= 1, "stepMs", stepMs, ">= 1");
            require(disorderMs >= 0, "disorderMs", disorderMs, ">= 0");
            require(windowMs >= 1, "windowMs", windowMs, ">= 1");
            require(rate >= 0, "rate", rate, ">= 0 (0 = unlimited)");
        }

        public static Settings from(JobArgs args) {
            String input = args.get("input", "generator");
            if (!input.equals("generator")) {
                throw new IllegalArgumentException("job argument 'input': '" + input
                        + "' is not supported by windowed-count (use generator)");
            }
            return new Settings(args.getLong("records", 1_000_000), args.getLong("keys", 1_000),
                    args.getLong("stepMs", 1), args.getLong("disorderMs", 0), args.getLong("windowMs", 1_000),
                    args.getLong("rate", 0));
        }

        public long eventTime(long i) {
            return i * stepMs + Math.floorMod(i * 7919, disorderMs + 1);
        }

        private static void require(boolean ok, String name, long value, String rule) {
            if (!ok) {
                throw new IllegalArgumentException("job argument '" + name + "' must be " + rule + " (got " + value + ")");
            }
        }
    }

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        Settings settings = Settings.from(args);
        counts(numbers(env, settings), settings)
                .sinkTo(Outputs.sinkFor(args.require("output")))
                .uid("sink");
    }

    /** The generator's records 0..N-1 with their event time and bounded out-of-orderness watermarks. */
    public static DataStream<Long> numbers(StreamEnvironment env, Settings settings) {
        GeneratorSource<Long> source = GeneratorSource.sequence(settings.records());
        if (settings.rate() > 0) {
            source = source.withRateLimit(settings.rate()); // records per second per subtask
        }
        return env.fromSource(source,
                        WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ofMillis(settings.disorderMs()))
                                .withTimestampAssigner(settings::eventTime),
                        "generator")
                .returns(Types.LONG);
    }

    /** Count and sum per key and tumbling event-time window. */
    public static DataStream<WindowedCountResult> counts(DataStream<Long> numbers, Settings settings) {
        long keys = settings.keys();
        return numbers.keyBy(i -> KeyedCountJob.keyOf(i, keys), Types.LONG)
                .window(TumblingWindows.ofEventTime(Duration.ofMillis(settings.windowMs())))
                .aggregate(new CountSum(), Types.LONG_ARRAY, WindowedCountJob::emit)
                .uid("window-count-sum");
    }

    private static void emit(Long key, TimeWindow window, Iterable<long[]> results, Collector<WindowedCountResult> out) {
        for (long[] countSum : results) {
            out.collect(new WindowedCountResult(key, window.start(), countSum[0], countSum[1]));
        }
    }

    /** (count, sum) in a two-element array, updated in place: one state write per record. */
    static final class CountSum implements AggregateFunction<Long, long[], long[]> {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(Long value, long[] accumulator) {
            accumulator[0]++;
            accumulator[1] += value;
            return accumulator;
        }

        @Override
        public long[] getResult(long[] accumulator) {
            return accumulator;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            a[0] += b[0];
            a[1] += b[1];
            return a;
        }

        /** Counts and sums of longs add up exactly, so the window may be aggregated in parts (before the shuffle). */
        @Override
        public boolean mergeIsExact() {
            return true;
        }
    }
}
