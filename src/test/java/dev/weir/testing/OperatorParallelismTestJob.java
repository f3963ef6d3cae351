package dev.weir.testing;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.examples.KeyedCountJob;
import dev.weir.examples.Outputs;
import dev.weir.examples.WindowedCountJob;
import dev.weir.examples.WindowedCountResult;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.state.serialization.Types;

/**
 * keyed-count and windowed-count over one source, with operators of their own parallelism: the
 * generator (windowed-count's records and event time) at {@code sourceParallelism}, a map at the
 * job's, keyed-count's function at {@code countParallelism} with its exactly-once file sink
 * ({@code <output>/count}) at {@code countSinkParallelism}; the tumbling windows at the job's
 * parallelism and their sink ({@code <output>/windows}) at {@code windowSinkParallelism}. A
 * parallelism of 0 (the default) leaves the operator at the job's.
 */
public final class OperatorParallelismTestJob implements JobDefinition {

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        WindowedCountJob.Settings settings = WindowedCountJob.Settings.from(args);
        String output = args.require("output");
        long keys = settings.keys();
        GeneratorSource<Long> generator = GeneratorSource.sequence(settings.records());
        if (settings.rate() > 0) {
            generator = generator.withRateLimit(settings.rate());
        }
        DataStream<Long> numbers = parallelism(env.fromSource(generator,
                WatermarkStrategy.<Long>forBoundedOutOfOrderness(java.time.Duration.ofMillis(settings.disorderMs()))
                        .withTimestampAssigner(settings::eventTime), "numbers"), args, "sourceParallelism")
                .returns(Types.LONG);
        DataStream<Long> spread = numbers.map(i -> i).uid("spread").returns(Types.LONG);

        DataStream<String> counts = parallelism(spread.keyBy(i -> KeyedCountJob.keyOf(i, keys), Types.LONG)
                .process(new CountSumLines()).uid("count"), args, "countParallelism").returns(Types.STRING);
        DataStream.SinkHandle countSink = counts.sinkTo(Outputs.sinkFor(output + "/count")).uid("count-sink");
        if (args.getLong("countSinkParallelism", 0) > 0) {
            countSink.setParallelism((int) args.getLong("countSinkParallelism", 0));
        }

        DataStream<String> windows = WindowedCountJob.counts(spread, settings)
                .map(WindowedCountResult::toString).uid("window-text").returns(Types.STRING);
        DataStream.SinkHandle windowSink = windows.sinkTo(Outputs.sinkFor(output + "/windows")).uid("window-sink");
        if (args.getLong("windowSinkParallelism", 0) > 0) {
            windowSink.setParallelism((int) args.getLong("windowSinkParallelism", 0));
        }
    }

    private static <T> DataStream<T> parallelism(DataStream<T> stream, JobArgs args, String name) {
        long parallelism = args.getLong(name, 0);
        return parallelism > 0 ? stream.setParallelism((int) parallelism) : stream;
    }
}
