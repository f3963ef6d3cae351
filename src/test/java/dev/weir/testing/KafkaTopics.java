package dev.weir.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Independent readers and writers of test topics, with plain kafka-clients (nothing of Weir's connectors). */
public final class KafkaTopics {

    private KafkaTopics() {}

    /** Every committed value of {@code topic}, read from the beginning with read_committed. */
    public static List<String> readCommitted(String bootstrap, String topic) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "read_committed")) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed the end offsets are the last stable offsets: nothing beyond is readable.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " up to " + end);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }

    /** How many records (committed or not, markers included) the topic's partitions hold. */
    public static long endOffsetTotal(String bootstrap, String topic) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "read_uncommitted")) {
            return consumer.endOffsets(partitions(consumer, topic)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Writes the decimals 0..n-1 (keyed-count's input), spread over the partitions round robin, and
     * fails unless every record was acknowledged and the partitions hold exactly n records.
     */
    public static void produceDecimals(String bootstrap, String topic, long n) {
        produceDecimals(bootstrap, topic, 0, n, -1);
        long written = endOffsetTotal(bootstrap, topic);
        if (written != n) {
            throw new IllegalStateException(topic + " holds " + written + " records, not " + n);
        }
    }

    /**
     * Writes the decimals {@code from..to-1} in order, all to {@code partition} or, where it is
     * negative, spread over the partitions round robin ({@code i mod partitions}); fails unless
     * every record was acknowledged. One request in flight per connection keeps the batches of a
     * partition in order even when the first one is refused by a partition the broker is still
     * opening (KAFKA-15591).
     */
    public static void produceDecimals(String bootstrap, String topic, long from, long to, int partition) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            int partitions = producer.partitionsFor(topic).size();
            for (long i = from; i < to && failure.get() == null; i++) {
                int target = partition >= 0 ? partition : (int) (i % partitions);
                producer.send(new ProducerRecord<>(topic, target, null, Long.toString(i)),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing the input of " + topic + " failed", failure.get());
        }
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }
}
