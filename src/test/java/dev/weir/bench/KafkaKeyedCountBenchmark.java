package dev.weir.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.weir.coordinator.Clock;
import dev.weir.coordinator.JobMaster;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.coordinator.JobResult;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.local.InProcessDeployer;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.KafkaTopics;

/**
 * keyed-count Kafka -> Kafka exactly-once at parallelism 2 on the embedded KRaft broker (in this
 * JVM, so broker and job share the machine), per checkpoint interval:
 * <ul>
 *   <li>throughput: the input topic is filled with N records first; seconds run from submission
 *       to the job's end (the last transaction committed);</li>
 *   <li>latency: a producer writes at a fixed rate while the job runs; a read_committed consumer
 *       of the output recovers each output line's input {@code i} as the difference of the key's
 *       consecutive sums, and the latency is "seen by the consumer" minus "handed to send()".</li>
 * </ul>
 * Lives in test sources because the broker does; {@code bench/kafka-keyed-count} runs it.
 */
public final class KafkaKeyedCountBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 4;

    private final EmbeddedKafka kafka;
    private final long keys;

    private KafkaKeyedCountBenchmark(EmbeddedKafka kafka, long keys) {
        this.kafka = kafka;
        this.keys = keys;
    }

    public static void main(String[] args) throws Exception {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        long records = 1_000_000;
        long keys = 10_000;
        long rate = 20_000;
        long latencySeconds = 15;
        List<Long> intervals = List.of(200L, 1000L, 5000L);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[++i].replace("_", ""));
                case "--keys" -> keys = Long.parseLong(args[++i].replace("_", ""));
                case "--rate" -> rate = Long.parseLong(args[++i].replace("_", ""));
                case "--latency-seconds" -> latencySeconds = Long.parseLong(args[++i]);
                case "--intervals" -> intervals = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                default -> {
                    System.err.println("unknown argument: " + args[i] + "\nusage: kafka-keyed-count [--records N] "
                            + "[--keys K] [--rate R] [--latency-seconds S] [--intervals 200,1000,5000]");
                    System.exit(2);
                }
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.DEFAULT_MAX_TRANSACTION_TIMEOUT_MS)) {
            KafkaKeyedCountBenchmark bench = new KafkaKeyedCountBenchmark(kafka, keys);
            for (long interval : intervals) {
                bench.throughput(records, interval);
                bench.latency(rate, rate * latencySeconds, interval);
            }
        }
        System.exit(0);
    }

    private void throughput(long records, long intervalMs) throws Exception {
        String input = topic("in", intervalMs);
        String output = topic("out", intervalMs);
        KafkaTopics.produceDecimals(kafka.bootstrapServers(), input, records);
        long t0 = System.nanoTime();
        Job job = runJob("tput-" + intervalMs, input, output, records, intervalMs);
        JobResult result = job.result.get(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> line = line("throughput", records, intervalMs, result, job.metrics);
        line.put("seconds", round(seconds));
        line.put("records_per_s", Math.round(records / seconds));
        print(line);
    }

    private void latency(long rate, long records, long intervalMs) throws Exception {
        String input = topic("lat-in", intervalMs);
        String output = topic("lat-out", intervalMs);
        long[] sentAtNanos = new long[(int) records];
        Job job = runJob("lat-" + intervalMs, input, output, records, intervalMs);
        CompletableFuture<long[]> latencies = CompletableFuture.supplyAsync(() -> consumeLatencies(output, sentAtNanos));
        produceAtRate(input, rate, sentAtNanos);
        JobResult result = job.result.get(30, TimeUnit.MINUTES);
        long[] micros = latencies.get(2, TimeUnit.MINUTES);
        Arrays.sort(micros);
        Map<String, Object> line = line("latency", records, intervalMs, result, job.metrics);
        line.put("rate_per_s", rate);
        line.put("p50_ms", round(percentile(micros, 0.50) / 1000.0));
        line.put("p99_ms", round(percentile(micros, 0.99) / 1000.0));
        line.put("max_ms", round(micros[micros.length - 1] / 1000.0));
        line.put("measured", micros.length);
        print(line);
    }

    /** Sends 0..n-1 at {@code rate} per second, noting when each was handed to the producer. */
    private void produceAtRate(String topic, long rate, long[] sentAtNanos) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < sentAtNanos.length; i++) {
                long due = start + i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                sentAtNanos[i] = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, Integer.toString(i)));
            }
        }
    }

    /**
     * Reads the output with read_committed until every record's line was seen. Lines of one key
     * are in one partition, in order, exactly once; so {@code sum - previous sum} is the input i.
     */
    private long[] consumeLatencies(String topic, long[] sentAtNanos) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        long[] latencies = new long[sentAtNanos.length];
        Map<Long, Long> lastSum = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int seen = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (seen < latencies.length && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(5));
                long now = System.nanoTime();
                for (ConsumerRecord<String, String> record : records) {
                    String[] f = record.value().split(",");
                    long key = Long.parseLong(f[0]);
                    long sum = Long.parseLong(f[2]);
                    int i = (int) (sum - lastSum.getOrDefault(key, 0L));
                    lastSum.put(key, sum);
                    latencies[seen++] = (now - sentAtNanos[i]) / 1000;
                }
            }
            return Arrays.copyOf(latencies, seen);
        }
    }

    private record Job(CompletableFuture<JobResult> result, JobMetrics metrics) {}

    private Job runJob(String name, String input, String output, long records, long intervalMs) throws Exception {
        Path dir = Files.createTempDirectory("weir-kafka-bench");
        CheckpointStorage storage = new CheckpointStorage(new LocalObjectStore(dir), "bench/default/" + name);
        JobMetrics metrics = new JobMetrics();
        Map<String, String> args = Map.of("records", Long.toString(records), "keys", Long.toString(keys),
                "input", "kafka://" + kafka.bootstrapServers() + "/" + input,
                "output", "kafka://" + kafka.bootstrapServers() + "/" + output);
        InProcessDeployer.JobSpecification job = new InProcessDeployer.JobSpecification(name,
                "dev.weir.examples.KeyedCountJob", new JobArgs(args), PARALLELISM, 128, CheckpointingMode.EXACTLY_ONCE);
        JobMaster master = new JobMaster(new JobMaster.Settings(name, PARALLELISM, 128,
                new CheckpointConfig(intervalMs, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3),
                new RestartStrategy.Settings(1000, 1000, 1, 0, 60_000)), storage,
                new InProcessDeployer(job, storage, metrics), Clock.system(), new JobMasterListener() {});
        return new Job(CompletableFuture.supplyAsync(() -> {
            try {
                JobResult result = master.run(null);
                if (result.state() != JobResult.JobState.FINISHED) {
                    throw new IllegalStateException("job " + name + " " + result.state() + ": " + result.failure());
                }
                return result;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }), metrics);
    }

    private Map<String, Object> line(String phase, long records, long intervalMs, JobResult result, JobMetrics metrics) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("system", "weir");
        line.put("workload", "kafka-keyed-count");
        line.put("phase", phase);
        line.put("sink", "kafka exactly-once");
        line.put("records", records);
        line.put("keys", keys);
        line.put("parallelism", PARALLELISM);
        line.put("partitions", PARTITIONS);
        line.put("interval_ms", intervalMs);
        line.put("checkpoints_completed", result.checkpointsCompleted());
        line.put("sink_records", metrics.sinkRecords());
        line.put("broker", "embedded KRaft kafka 4.4.0, same JVM");
        line.put("jvm", System.getProperty("java.vm.version"));
        return line;
    }

    private String topic(String name, long intervalMs) throws Exception {
        String topic = "bench-" + name + "-" + intervalMs + "-" + System.nanoTime();
        kafka.createTopic(topic, PARTITIONS);
        return topic;
    }

    private static long percentile(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static void print(Map<String, Object> line) throws Exception {
        System.out.println(JSON.writeValueAsString(line));
        System.out.flush();
    }
}
