package dev.weir.testing;

import java.time.Duration;

import dev.weir.examples.KafkaEndpoints;
import dev.weir.examples.KafkaUri;
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
 * windowed-count's windows over an unbounded Kafka topic of decimals ({@code input}, read from the
 * earliest offsets): record {@code i}'s event time is windowed-count's ({@code disorderMs}, step 1),
 * watermarks allow that disorder per partition, and a partition without records for {@code idleMs}
 * stops holding the watermark back. Lines {@code key,window_start,count,sum} of the tumbling windows
 * of {@code windowMs} go to the exactly-once file sink at {@code output}.
 */
public final class IdlePartitionWindowsJob implements JobDefinition {

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        WindowedCountJob.Settings settings = settings(args);
        KafkaUri input = KafkaUri.parse("input", args.require("input"), false);
        DataStream<Long> numbers = env.fromSource(KafkaEndpoints.decimalSource(input, -1),
                        WatermarkStrategy.<Long>forBoundedOutOfOrderness(Duration.ofMillis(settings.disorderMs()))
                                .withTimestampAssigner(settings::eventTime)
                                .withIdleness(Duration.ofMillis(args.getLong("idleMs", 1_000))),
                        "readings")
                .returns(Types.LONG);
        WindowedCountJob.counts(numbers, settings).map(WindowedCountResult::toString).uid("window-text")
                .returns(Types.STRING)
                .sinkTo(Outputs.sinkFor(args.require("output"))).uid("sink");
    }

    /** windowed-count's settings for this job's arguments (no record count: the topic has no end). */
    public static WindowedCountJob.Settings settings(JobArgs args) {
        return new WindowedCountJob.Settings(0, args.getLong("keys", 10), 1, args.getLong("disorderMs", 0),
                args.getLong("windowMs", 1_000), 0);
    }
}
