package dev.weir.connectors.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Writes records to Kafka, {@link DeliveryGuarantee#AT_LEAST_ONCE at least once} or
 * {@link DeliveryGuarantee#EXACTLY_ONCE exactly once} (Kafka transactions committed when the
 * checkpoint completes). Build with {@link #builder()}.
 *
 * <p>Exactly once: transactional ids are {@code <prefix>-<subtask>-<n>}, {@code n} below
 * {@link Builder#transactionalIdPoolSize}, reused after commit. The prefix must be unique per sink
 * across all jobs on the cluster: on start each subtask aborts every open transaction whose id has
 * this prefix and whose subtask index maps to it, which includes subtasks of an earlier, larger
 * parallelism.
 */
public final class KafkaSink<T> implements Sink<T> {

    /** Kafka's default cap on transaction.timeout.ms (broker setting transaction.max.timeout.ms). */
    public static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 15 * 60 * 1000;

    final String bootstrapServers;
    final Function<T, ProducerRecord<byte[], byte[]>> serializer;
    /** The one topic written to, when known (serializer(topic, ...)): checked to exist at start. */
    final String topic;
    final DeliveryGuarantee guarantee;
    final String transactionalIdPrefix;
    final int transactionalIdPoolSize;
    final long transactionTimeoutMs;
    final Map<String, Object> producerProperties;

    private KafkaSink(Builder<T> b) {
        this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers, "bootstrapServers");
        this.serializer = Objects.requireNonNull(b.serializer, "serializer (or topic + valueSerializer)");
        this.topic = b.topic;
        this.guarantee = b.guarantee;
        this.transactionalIdPrefix = b.transactionalIdPrefix;
        this.transactionalIdPoolSize = b.transactionalIdPoolSize;
        this.transactionTimeoutMs = b.transactionTimeoutMs;
        this.producerProperties = Map.copyOf(b.producerProperties);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE
                && (transactionalIdPrefix == null || !transactionalIdPrefix.matches("[A-Za-z0-9._-]+"))) {
            throw new IllegalArgumentException("an EXACTLY_ONCE KafkaSink needs a transactionalIdPrefix of "
                    + "letters, digits, '.', '_' or '-', unique on the cluster (got " + transactionalIdPrefix + ")");
        }
        if (transactionalIdPoolSize < 1) {
            throw new IllegalArgumentException("transactionalIdPoolSize must be >= 1");
        }
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        if (topic != null) {
            KafkaAdmin.requireTopic(this);
        }
        if (guarantee == DeliveryGuarantee.AT_LEAST_ONCE) {
            return new AtLeastOnceKafkaWriter<>(this, context);
        }
        ExactlyOnceKafkaWriter<T> writer = new ExactlyOnceKafkaWriter<>(this, context);
        try {
            writer.initializeState();
        } catch (Exception e) {
            writer.close();
            throw e;
        }
        return writer;
    }

    /** The producer configuration every writer starts from: user properties, then ours. */
    Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(producerProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }

    long maxBlockMs() {
        Object value = producerProperties.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        return value == null ? 60_000 : Long.parseLong(value.toString());
    }

    String describe() {
        return "KafkaSink(" + guarantee + (transactionalIdPrefix == null ? "" : ", prefix " + transactionalIdPrefix) + ")";
    }

    public static final class Builder<T> {
        private String bootstrapServers;
        private Function<T, ProducerRecord<byte[], byte[]>> serializer;
        private String topic;
        private DeliveryGuarantee guarantee = DeliveryGuarantee.EXACTLY_ONCE;
        private String transactionalIdPrefix;
        private int transactionalIdPoolSize = 8;
        private long transactionTimeoutMs = DEFAULT_TRANSACTION_TIMEOUT_MS;
        private final Map<String, Object> producerProperties = new HashMap<>();

        private Builder() {}

        public Builder<T> bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** Turns a record into the Kafka record to send (topic, partition, key, value, headers). */
        public Builder<T> serializer(Function<T, ProducerRecord<byte[], byte[]>> serializer) {
            this.serializer = serializer;
            this.topic = null;
            return this;
        }

        /** Sends to {@code topic}; the key (may return null) chooses the partition. */
        public Builder<T> serializer(String topic, Function<T, byte[]> key, Function<T, byte[]> value) {
            Objects.requireNonNull(topic, "topic");
            this.topic = topic;
            this.serializer = record -> new ProducerRecord<>(topic, key == null ? null : key.apply(record),
                    value.apply(record));
            return this;
        }

        public Builder<T> guarantee(DeliveryGuarantee guarantee) {
            this.guarantee = Objects.requireNonNull(guarantee);
            return this;
        }

        public Builder<T> transactionalIdPrefix(String prefix) {
            this.transactionalIdPrefix = prefix;
            return this;
        }

        /**
         * How many transactional ids (and producers) a subtask may use at once: one open plus the
         * pre-committed ones still waiting for a checkpoint-complete notification.
         */
        public Builder<T> transactionalIdPoolSize(int size) {
            this.transactionalIdPoolSize = size;
            return this;
        }

        /**
         * How long the broker keeps a transaction open before aborting it. Must exceed the longest
         * time from a barrier to the commit, recovery included, or a checkpoint's output can be lost;
         * and must not exceed the broker's transaction.max.timeout.ms.
         */
        public Builder<T> transactionTimeoutMs(long timeoutMs) {
            this.transactionTimeoutMs = timeoutMs;
            return this;
        }

        /** Any producer setting (e.g. max.block.ms, security); bootstrap.servers and transactional.id are ours. */
        public Builder<T> producerProperty(String key, Object value) {
            producerProperties.put(key, value);
            return this;
        }

        public KafkaSink<T> build() {
            return new KafkaSink<>(this);
        }
    }
}
