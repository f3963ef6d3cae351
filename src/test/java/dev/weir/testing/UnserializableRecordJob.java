package dev.weir.testing;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.state.serialization.Types;

/**
 * A job whose records cross a keyBy as a type that is neither Serializable nor given a
 * serializer: with worker processes no record can reach the other worker, and no restart changes
 * that. (In one process records pass as objects, so the job runs there.)
 */
public final class UnserializableRecordJob implements JobDefinition {

    /** A user's record type without a serializer. */
    public static final class Reading {
        final long value;

        Reading(long value) {
            this.value = value;
        }
    }

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        env.fromSource(GeneratorSource.sequence(args.getLong("records", 10_000)), "generator")
                .returns(Types.LONG)
                .map(Reading::new)
                .uid("to-reading")
                .keyBy(r -> r.value % 10, Types.LONG)
                .process(new KeyedProcessFunction<Long, Reading, Long>() {
                    @Override
                    public void processElement(Reading value, Context<Long> context, Collector<Long> out) {
                        out.collect(value.value);
                    }
                })
                .uid("pass")
                .sinkTo(new DiscardSink<>())
                .uid("sink");
    }
}
