package bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink side of bench/unaligned: the flink-peer's keyed-count (same keys, same keyed
 * (sum, count) state via its SumCount) with a sink that takes at most --sink-rate records/s per
 * subtask (paced like Weir's RateLimitedSink: the task thread sleeps when it gets ahead), so the
 * job runs back-pressured; checkpoints aligned or unaligned (--unaligned, --aligned-timeout-ms).
 * Prints one JSON line with p50/p99/max of the completed checkpoints' end-to-end durations.
 * Compiled and run against the flink-peer's shaded jar (bench/unaligned does both).
 */
public final class BackpressureKeyedCount {

    private static final long MULT = 2654435761L;

    private BackpressureKeyedCount() {}

    public static void main(String[] args) throws Exception {
        long records = 400_000;
        long keys = 10_000;
        int parallelism = 2;
        long intervalMs = 1000;
        long sinkRate = 10_000;
        boolean unaligned = false;
        long alignedTimeoutMs = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[++i]);
                case "--keys" -> keys = Long.parseLong(args[++i]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--interval-ms" -> intervalMs = Long.parseLong(args[++i]);
                case "--sink-rate" -> sinkRate = Long.parseLong(args[++i]);
                case "--unaligned" -> unaligned = Boolean.parseBoolean(args[++i]);
                case "--aligned-timeout-ms" -> alignedTimeoutMs = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
        }
        Path runDir = Files.createTempDirectory("flink-backpressure-checkpoints");
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, runDir.toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(intervalMs));
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofMinutes(10));
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, unaligned);
        conf.set(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT, Duration.ofMillis(alignedTimeoutMs));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 10_000);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).withRandomPorts().build());
        cluster.start();
        try {
            StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
            env.setParallelism(parallelism);
            TypeInformation<Tuple2<Long, Long>> pairType = Types.TUPLE(Types.LONG, Types.LONG);
            long k = keys;
            GeneratorFunction<Long, Tuple2<Long, Long>> gen = i -> Tuple2.of(Math.floorMod(i * MULT, k), i);
            env.fromSource(new DataGeneratorSource<>(gen, records, pairType), WatermarkStrategy.noWatermarks(), "generator")
                    .keyBy(t -> t.f0, Types.LONG)
                    .process(new KeyedCount.SumCount(), pairType).name("sum-count")
                    .sinkTo(new RateLimitedDiscardingSink(sinkRate)).name("rate-limited-sink");
            long t0 = System.nanoTime();
            JobID jobId = cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
            JobResult result = cluster.requestJobResult(jobId).get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!result.isSuccess()) {
                System.err.println("job failed: " + result.getSerializedThrowable());
                System.exit(1);
            }
            CheckpointStatsSnapshot stats = cluster.getArchivedExecutionGraph(jobId).get(30, TimeUnit.SECONDS)
                    .getCheckpointStatsSnapshot();
            List<Long> durations = new ArrayList<>();
            for (AbstractCheckpointStats checkpoint : stats.getHistory().getCheckpoints()) {
                if (checkpoint.getStatus() == CheckpointStatsStatus.COMPLETED) {
                    durations.add(checkpoint.getEndToEndDuration());
                }
            }
            durations.sort(Comparator.naturalOrder());
            System.out.println(String.format(Locale.ROOT,
                    "{\"system\":\"flink\",\"workload\":\"keyed-count-backpressured\",\"records\":%d,\"keys\":%d,"
                            + "\"parallelism\":%d,\"interval_ms\":%d,\"sink_rate_per_subtask\":%d,\"unaligned\":%b,"
                            + "\"aligned_timeout_ms\":%d,\"seconds\":%.3f,\"checkpoints_completed\":%d,"
                            + "\"checkpoints_failed\":%d,\"checkpoint_duration_ms_p50\":%d,"
                            + "\"checkpoint_duration_ms_p99\":%d,\"checkpoint_duration_ms_max\":%d,"
                            + "\"checkpointed_size_bytes_avg\":%d,\"jvm\":\"%s\"}",
                    records, keys, parallelism, intervalMs, sinkRate, unaligned, alignedTimeoutMs, seconds,
                    stats.getCounts().getNumberOfCompletedCheckpoints(), stats.getCounts().getNumberOfFailedCheckpoints(),
                    percentile(durations, 0.50), percentile(durations, 0.99),
                    durations.isEmpty() ? 0 : durations.get(durations.size() - 1),
                    stats.getSummaryStats().getCheckpointedSize().getAverage(), System.getProperty("java.vm.version")));
        } finally {
            cluster.close();
            try (Stream<Path> walk = Files.walk(runDir)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                System.err.println("could not delete " + runDir + ": " + e);
            }
        }
        System.exit(0);
    }

    /** Nearest-rank percentile (as bench/keyed-count's); 0 without checkpoints. */
    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.ceil(p * sorted.size()) - 1);
    }

    /** Discards records, writing at most {@code recordsPerSecond} per subtask: the writer sleeps when ahead. */
    public static final class RateLimitedDiscardingSink implements Sink<Tuple2<Long, Long>> {
        private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
        private static final long MAX_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
        private final long recordsPerSecond;

        RateLimitedDiscardingSink(long recordsPerSecond) {
            this.recordsPerSecond = recordsPerSecond;
        }

        @Override
        public SinkWriter<Tuple2<Long, Long>> createWriter(WriterInitContext context) {
            double nanosPerRecord = 1e9 / recordsPerSecond;
            return new SinkWriter<>() {
                private long startNanos;
                private long written;

                @Override
                public void write(Tuple2<Long, Long> element, Context ctx) throws InterruptedException {
                    if (written == 0) {
                        startNanos = System.nanoTime();
                    }
                    written++;
                    long ahead = (long) (written * nanosPerRecord) - (System.nanoTime() - startNanos);
                    if (ahead >= MIN_SLEEP_NANOS) {
                        TimeUnit.NANOSECONDS.sleep(ahead);
                    } else if (ahead < -MAX_BURST_NANOS) {
                        startNanos += -ahead - MAX_BURST_NANOS;
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
