package dev.weir.testing;

import java.time.Duration;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.examples.KeyedCountJob;
import dev.weir.examples.Outputs;
import dev.weir.examples.WindowedCountResult;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.AggregateFunction;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.windowing.TimeWindow;
import dev.weir.runtime.dataflow.windowing.TumblingWindows;
import dev.weir.runtime.state.serialization.Types;

/**
 * Count and sum per key and tumbling event-time window, where every {@code lateEvery}-th record is
 * stamped {@code lateByMs} in the past: whether it is late depends on the watermark when it arrives.
 * Windows go to {@code output} as {@code key,window_start,count,sum}, late records to
 * {@code output}-late as {@code late,i} through the window's late-data side output. So every record
 * is counted exactly once in one of the two, whatever the failures and rescales.
 */
public final class LateDataJob implements JobDefinition {

    public static final OutputTag<Long> LATE = new OutputTag<>("late", Types.LONG);

    /** The job's arguments. */
    public record Settings(long records, long keys, long windowMs, long lateEvery, long lateByMs, long rate) {

        public static Settings from(JobArgs args) {
            return new Settings(args.getLong("records", 100_000), args.getLong("keys", 10),
                    args.getLong("windowMs", 100), args.getLong("lateEvery", 50), args.getLong("lateByMs", 5_000),
                    args.getLong("rate", 0));
        }

        public long eventTime(long i) {
            return i % lateEvery == lateEvery - 1 ? i - lateByMs : i;
        }

        public long keyOf(long i) {
            return KeyedCountJob.keyOf(i, keys);
        }
    }

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        Settings settings = Settings.from(args);
        GeneratorSource<Long> source = GeneratorSource.sequence(settings.records());
        if (settings.rate() > 0) {
            source = source.withRateLimit(settings.rate());
        }
        DataStream<WindowedCountResult> windows = env.fromSource(source,
                        WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ofMillis(10))
                                .withTimestampAssigner(settings::eventTime),
                        "generator")
                .returns(Types.LONG)
                .keyBy(settings::keyOf, Types.LONG)
                .window(TumblingWindows.ofEventTime(Duration.ofMillis(settings.windowMs())))
                .sideOutputLateData(LATE)
                .aggregate(new CountSum(), Types.LONG_ARRAY, LateDataJob::emit)
                .uid("windows");
        windows.sinkTo(Outputs.sinkFor(args.require("output"))).uid("sink");
        windows.getSideOutput(LATE).uid("late")
                .map(i -> "late," + i).returns(Types.STRING).uid("late-lines")
                .sinkTo(Outputs.sinkFor(args.require("output") + "-late")).uid("late-sink");
    }

    private static void emit(Long key, TimeWindow window, Iterable<long[]> results, Collector<WindowedCountResult> out) {
        for (long[] countSum : results) {
            out.collect(new WindowedCountResult(key, window.start(), countSum[0], countSum[1]));
        }
    }

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
    }
}
