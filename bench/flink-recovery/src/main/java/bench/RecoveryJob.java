package bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The Flink peer's keyed-count (../shared/bench/flink-peer): record i has key (i * 2654435761) mod K and value i;
 * keyBy(key) -> one ValueState (sum, count) per key, emitting (key, sum) per record -> a discarding sink. The only
 * addition is a progress report from the keyed operator: a UDP datagram "subtask attempt records" to the driver on
 * its first record after (re)start and then at most every 20 ms, so the driver sees when records flow again
 * after a failure, as Weir's workers report their record counts in their 50 ms heartbeats.
 */
final class RecoveryJob {

    static final long MULT = 2654435761L;

    private RecoveryJob() {}

    /** Adds the job to {@code env}: {@code rate} records/s over all source subtasks (0: unthrottled). */
    static void define(StreamExecutionEnvironment env, long keys, long rate, int progressPort) {
        TypeInformation<Tuple2<Long, Long>> pairType = Types.TUPLE(Types.LONG, Types.LONG);
        // Paced inside the generator, as Weir's generator source is: Flink's RateLimiterStrategy hands every record
        // to a rate-limiter thread and back (GuavaRateLimiter: a CompletableFuture per record), which held this
        // job to tens of thousands of records/s whatever the rate asked for.
        DataGeneratorSource<Tuple2<Long, Long>> source =
                new DataGeneratorSource<>(new PacedKeyedCount(keys, rate), Long.MAX_VALUE, pairType);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "generator")
                .keyBy(t -> t.f0, Types.LONG)
                .process(new SumCount(progressPort), pairType)
                .name("sum-count")
                .sinkTo(new DiscardingSink())
                .name("discard");
    }

    /**
     * Record i as (key, i), at most {@code rate} records/s over all subtasks (0: unthrottled): every 1024 records
     * it sleeps until the subtask's share of the rate allows them, counted from the reader's (re)start.
     */
    static final class PacedKeyedCount implements GeneratorFunction<Long, Tuple2<Long, Long>> {

        private static final int BATCH = 1024;

        private final long keys;
        private final long rate;
        private transient double nanosPerRecord;
        private transient long startedAt;
        private transient long generated;

        PacedKeyedCount(long keys, long rate) {
            this.keys = keys;
            this.rate = rate;
        }

        @Override
        public void open(SourceReaderContext context) {
            nanosPerRecord = rate > 0 ? 1e9 * context.currentParallelism() / rate : 0;
            startedAt = System.nanoTime();
            generated = 0;
        }

        @Override
        public Tuple2<Long, Long> map(Long i) {
            if (nanosPerRecord > 0 && ++generated % BATCH == 0) {
                long due = startedAt + (long) (generated * nanosPerRecord);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            return Tuple2.of(Math.floorMod(i * MULT, keys), i);
        }
    }

    /** Keeps (sum, count) per key in one keyed ValueState; emits (key, sum) for every record. */
    static final class SumCount extends KeyedProcessFunction<Long, Tuple2<Long, Long>, Tuple2<Long, Long>> {

        private static final long REPORT_EVERY_NS = 20_000_000L;

        private final int progressPort;
        private transient ValueState<Tuple2<Long, Long>> sumCount;
        private transient DatagramSocket socket;
        private transient InetSocketAddress driver;
        private transient long records;
        private transient long nextReportAt;

        SumCount(int progressPort) {
            this.progressPort = progressPort;
        }

        @Override
        public void open(OpenContext ctx) throws IOException {
            sumCount = getRuntimeContext().getState(new ValueStateDescriptor<>(
                    "sum-count", Types.TUPLE(Types.LONG, Types.LONG)));
            socket = new DatagramSocket();
            driver = new InetSocketAddress(InetAddress.getLoopbackAddress(), progressPort);
            records = 0;
            nextReportAt = 0;
        }

        @Override
        public void processElement(Tuple2<Long, Long> in, Context ctx, Collector<Tuple2<Long, Long>> out)
                throws Exception {
            Tuple2<Long, Long> s = sumCount.value();
            long sum = in.f1;
            long count = 1;
            if (s != null) {
                sum += s.f0;
                count += s.f1;
            }
            sumCount.update(Tuple2.of(sum, count));
            out.collect(Tuple2.of(in.f0, sum));
            // the first record after (re)start is reported at once; then a clock read every 256 records
            if (++records == 1 || ((records & 255) == 0 && System.nanoTime() >= nextReportAt)) {
                report();
            }
        }

        private void report() throws IOException {
            nextReportAt = System.nanoTime() + REPORT_EVERY_NS;
            byte[] msg = (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + " "
                    + getRuntimeContext().getTaskInfo().getAttemptNumber() + " " + records)
                    .getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(msg, msg.length, driver));
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.close();
            }
        }
    }

    /** Discards records (output = discard, as Weir's runs). */
    static final class DiscardingSink implements Sink<Tuple2<Long, Long>> {
        @Override
        public SinkWriter<Tuple2<Long, Long>> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Tuple2<Long, Long> element, Context ctx) {}

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
