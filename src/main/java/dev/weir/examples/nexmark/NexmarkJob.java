package dev.weir.examples.nexmark;

import java.nio.file.Path;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;

/**
 * Nexmark (../shared/bench/nexmark.md) on Weir: the generator as a replayable source (subtask s of
 * p emits the events n < events with n mod p = s, in increasing n; its position, the next n, is
 * checkpointed) feeding one query, whose rows end in a {@link DigestSink}.
 *
 * <p>Args: {@code query} (events, q0, q1, q2, q3, q11), {@code events} N (default 1,000,000),
 * {@code output} (the directory the digest is committed to; {@link DigestResult#read} reads it),
 * {@code virtualRate} (virtual events per second of event time, default 10,000; changes the rows),
 * {@code throttle} (at most this many events per second per subtask, wall clock; 0 = unlimited).
 */
public final class NexmarkJob implements JobDefinition {

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        NexmarkQuery query = NexmarkQuery.named(args.require("query"));
        long events = args.getLong("events", 1_000_000);
        if (events < 0) {
            throw new IllegalArgumentException("job argument 'events' must be >= 0 (got " + events + ")");
        }
        NexmarkGenerator generator = new NexmarkGenerator(args.getLong("virtualRate", NexmarkGenerator.DEFAULT_RATE));
        long throttle = args.getLong("throttle", 0);
        // One split per subtask: subtask s emits exactly n = s, s + p, s + 2p, ... in increasing n.
        GeneratorSource<NexmarkEvent> source = new GeneratorSource<>(events, env.parallelism(), generator::event);
        if (throttle > 0) {
            source = source.withRateLimit(throttle);
        }
        // Event time (spec §1): timestamps never decrease within a split, so a split's latest one,
        // less 1 ms, is its watermark (as Flink's forMonotonousTimestamps).
        query.define(query.eventTime()
                ? env.fromSource(source, WatermarkStrategy.<NexmarkEvent>forMonotonousTimestamps()
                        .withTimestampAssigner(NexmarkEvent::dateTime), "nexmark-generator")
                : env.fromSource(source, "nexmark-generator"), Path.of(args.require("output")));
    }
}
