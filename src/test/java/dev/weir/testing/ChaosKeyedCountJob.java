package dev.weir.testing;

import java.nio.file.Path;

import dev.weir.connectors.generator.GeneratorSource;
import dev.weir.connectors.sink.ForwardingSinkWriter;
import dev.weir.connectors.sink.RateLimitedSink;
import dev.weir.examples.KafkaEndpoints;
import dev.weir.examples.KafkaUri;
import dev.weir.examples.KeyedCountJob;
import dev.weir.runtime.dataflow.DataStream;
import dev.weir.examples.Outputs;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.Types;

/**
 * keyed-count with failure points for {@link Chaos}: a failing record anywhere in the keyed
 * function, and a crash between "checkpoint complete" and the sink's commit. Rate limited
 * ({@code rate} records/s per subtask) so the test can strike while it runs; with {@code gate} (a
 * file) each generator subtask holds after {@code holdAfter} records until the test creates it
 * ({@link GatedSource}), so the job cannot end before the test has struck. {@code sinkRate} (records/s
 * per subtask) slows the sink down so that the job runs back-pressured, its channels full.
 * {@code input} and {@code output} also take keyed-count's {@code kafka://} forms.
 */
public final class ChaosKeyedCountJob implements JobDefinition {

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        long records = args.getLong("records", 100_000);
        long keys = args.getLong("keys", 100);
        long rate = args.getLong("rate", 0);
        String input = args.get("input", "generator");
        DataStream<Long> numbers;
        if (input.startsWith("kafka://")) {
            // A Kafka source reads as fast as it can: the keyed function holds it to the rate instead.
            numbers = env.fromSource(KafkaEndpoints.decimalSource(KafkaUri.parse("input", input, false), records),
                    "kafka-source");
        } else {
            GeneratorSource<Long> source = GeneratorSource.sequence(records);
            if (rate > 0) {
                source = source.withRateLimit(rate);
            }
            String gate = args.get("gate", null);
            numbers = gate == null ? env.fromSource(source, "generator")
                    : env.fromSource(new GatedSource<>(source, args.getLong("holdAfter", 0), gate), "generator");
        }
        numbers.returns(Types.LONG)
                .keyBy(i -> KeyedCountJob.keyOf(i, keys), Types.LONG)
                .process(new ChaosCountSum(input.startsWith("kafka://") ? rate : 0))
                .uid("count-sum")
                .sinkTo(new CrashBeforeCommitSink<>(rateLimited(sink(args.get("sink", "output"), args.require("output")),
                                args.getLong("sinkRate", 0)),
                                (int) args.getLong("haltBeforeCommitWorker", -1),
                                args.getLong("haltBeforeCommitAttempt", -1)))
                .uid("sink");
    }

    /** {@code sinkRate} records/s per subtask: a slow sink that back-pressures the whole job. */
    private static Sink<String> rateLimited(Sink<String> sink, long sinkRate) {
        return sinkRate > 0 ? new RateLimitedSink<>(sink, sinkRate) : sink;
    }

    /**
     * {@code output}: the example jobs' own sinks (a directory, s3://, jdbc:..., see Outputs), so
     * the failure points cover every sink kind; {@code direct} / {@code direct-jdbc}: deliberately
     * non-transactional sinks for negative controls.
     */
    private static Sink<String> sink(String kind, String output) {
        switch (kind) {
            case "direct":
                return new DirectAppendSink<>(Path.of(output));
            case "direct-jdbc":
                return new DirectJdbcInsertSink(output);
            case "output":
            case "exactly-once": // the name of this default before it covered every output kind
                return Outputs.sinkFor(output);
            default:
                throw new IllegalArgumentException("job argument 'sink' must be output, direct or direct-jdbc, got '" + kind + "'");
        }
    }

    static final class ChaosCountSum extends KeyedProcessFunction<Long, Long, String> {
        private final long ratePerSecond;
        private ValueState<long[]> state;
        private long startNanos;
        private long seen;

        ChaosCountSum(long ratePerSecond) {
            this.ratePerSecond = ratePerSecond;
        }

        @Override
        public void open(RuntimeContext context) {
            state = context.getState(StateDescriptor.value("count-sum", Types.LONG_ARRAY));
        }

        @Override
        public void processElement(Long value, Context<Long> context, Collector<String> out) {
            Chaos.maybeFail(Chaos.Point.RECORD);
            throttle();
            long[] s = state.value();
            if (s == null) {
                s = new long[2];
            }
            s[0]++;
            s[1] += value;
            state.update(s);
            out.collect(context.getCurrentKey() + "," + s[0] + "," + s[1]);
        }

        /** Sleeps whenever this subtask got ahead of {@code ratePerSecond}, so tests can strike mid-run. */
        private void throttle() {
            if (ratePerSecond <= 0) {
                return;
            }
            if (seen++ == 0) {
                startNanos = System.nanoTime();
            }
            long aheadNanos = seen * 1_000_000_000L / ratePerSecond - (System.nanoTime() - startNanos);
            if (aheadNanos > 2_000_000) {
                try {
                    Thread.sleep(aheadNanos / 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Wraps a sink so that a failure strikes after "checkpoint complete" and before the commit: an
     * armed {@link Chaos} failure (in-process tests), or halting the whole worker process — no
     * cleanup, like a SIGKILL — in the given subtask and job attempt (worker-process tests).
     */
    static final class CrashBeforeCommitSink<T> implements Sink<T> {
        private final Sink<T> inner;
        private final int haltSubtask;
        private final long haltAttempt;

        CrashBeforeCommitSink(Sink<T> inner, int haltSubtask, long haltAttempt) {
            this.inner = inner;
            this.haltSubtask = haltSubtask;
            this.haltAttempt = haltAttempt;
        }

        @Override
        public SinkWriter<T> createWriter(dev.weir.runtime.dataflow.SinkContext context) throws Exception {
            return new ForwardingSinkWriter<T, T>(inner.createWriter(context)) {
                @Override
                public void write(T record) throws Exception {
                    this.inner.write(record);
                }

                @Override
                public void notifyCheckpointComplete(long checkpointId) throws Exception {
                    Chaos.maybeFail(Chaos.Point.BEFORE_COMMIT);
                    if (context.subtask() == haltSubtask && context.attempt() == haltAttempt) {
                        System.err.println("halting worker before committing checkpoint " + checkpointId);
                        Runtime.getRuntime().halt(137);
                    }
                    super.notifyCheckpointComplete(checkpointId);
                }
            };
        }
    }
}
