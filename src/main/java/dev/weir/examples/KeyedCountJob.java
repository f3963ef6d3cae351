package dev.weir.examples;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.connectors.sink.RateLimitedSink;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.state.serialization.Types;

/**
 * keyed-count, the workload benchmarks and exactly-once checks share (design §8): record i has
 * value i and key (i * 2654435761) mod keys; per key the job keeps (count, sum) and emits
 * {@code key,count,sum} for every record.
 */
public final class KeyedCountJob implements JobDefinition {

    static final long MULTIPLIER = 2654435761L;

    public static long keyOf(long i, long keys) {
        return Math.floorMod(i * MULTIPLIER, keys);
    }

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        args.declare("records", "keys", "input", "output", "rate", "sinkRate");
        String input = args.get("input", "generator");
        // From Kafka without 'records' the job runs until canceled; the generator needs an end.
        long records = args.getLong("records", input.equals("generator") ? 1_000_000 : -1, 0, Long.MAX_VALUE);
        long keys = args.getLong("keys", 1_000, 1, Long.MAX_VALUE);
        DataStream<Long> numbers;
        if (input.equals("generator")) {
            GeneratorSource<Long> source = GeneratorSource.sequence(records);
            long rate = args.getLong("rate", 0, 0, Long.MAX_VALUE);
            if (rate > 0) {
                // records per second per subtask: for demos and for tests that strike mid-run
                source = source.withRateLimit(rate);
            }
            numbers = env.fromSource(source, "generator");
        } else if (input.startsWith("kafka://")) {
            if (args.asMap().containsKey("rate")) {
                throw JobArgs.invalid("rate", "paces the generator input only; a Kafka input comes as fast as it is"
                        + " produced");
            }
            numbers = env.fromSource(KafkaEndpoints.decimalSource(KafkaUri.parse("input", input, false), records),
                    "kafka-source");
        } else {
            throw JobArgs.invalid("input", "'" + input + "' is not supported (use generator or kafka://<host:port>/<topic>)");
        }
        Sink<KeyedCountResult> sink = Outputs.sinkFor(args.require("output"));
        long sinkRate = args.getLong("sinkRate", 0, 0, Long.MAX_VALUE);
        if (sinkRate > 0) {
            // records per second per subtask: a slow sink that back-pressures the job (benchmarks of checkpoints)
            sink = new RateLimitedSink<>(sink, sinkRate);
        }
        numbers.returns(Types.LONG)
                .keyBy(i -> keyOf(i, keys), Types.LONG)
                .process(new CountSumFunction())
                .uid("count-sum")
                .sinkTo(sink)
                .uid("sink");
    }
}
