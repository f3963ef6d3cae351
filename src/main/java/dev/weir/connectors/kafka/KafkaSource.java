package dev.weir.connectors.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;

/**
 * Reads Kafka topics (a list or a pattern) as a replayable source. Partition {@code p} of topic
 * {@code t} belongs to subtask {@code (hash(t) + p) mod parallelism}, which does not change when
 * partitions are added. The next offset of every partition is the checkpointed state; Kafka's
 * committed offsets are only written after a checkpoint completes, for monitoring, and only when
 * a group.id is set. Build with {@link #builder()}.
 */
public final class KafkaSource<T> implements Source<T> {

    /** Where partitions start when the job starts without a checkpoint. */
    public enum StartFrom { EARLIEST, LATEST, TIMESTAMP }

    /** When a bounded source ends. */
    public enum Bound {
        NONE,
        /** At the end offsets of the partitions when the reader first starts. */
        LATEST_AT_START,
        /**
         * At the end offsets seen once the topics hold {@link Builder#boundedByRecords N} records
         * in all: exactly N records when the topics hold N (as keyed-count's input does).
         */
        RECORDS
    }

    final String bootstrapServers;
    final List<String> topics;
    final Pattern topicPattern;
    final Function<ConsumerRecord<byte[], byte[]>, T> deserializer;
    final StartFrom startFrom;
    final long startTimestamp;
    final Bound bound;
    final long boundRecords;
    final long discoveryIntervalMs;
    final long lagIntervalMs;
    final Map<String, Object> consumerProperties;

    private KafkaSource(Builder<T> b) {
        this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers, "bootstrapServers");
        if ((b.topics == null) == (b.topicPattern == null)) {
            throw new IllegalArgumentException("a KafkaSource needs either topics or a topic pattern");
        }
        this.topics = b.topics == null ? null : List.copyOf(b.topics);
        this.topicPattern = b.topicPattern;
        this.deserializer = Objects.requireNonNull(b.deserializer, "deserializer");
        this.startFrom = b.startFrom;
        this.startTimestamp = b.startTimestamp;
        this.bound = b.bound;
        this.boundRecords = b.boundRecords;
        this.discoveryIntervalMs = b.discoveryIntervalMs;
        this.lagIntervalMs = b.lagIntervalMs;
        this.consumerProperties = Map.copyOf(b.consumerProperties);
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public SourceReader<T> createReader(SourceContext context) {
        return new KafkaSourceReader<>(this, context);
    }

    Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(consumerProperties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Exactly-once pipelines read only committed output of transactional producers.
        config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    long apiTimeoutMs() {
        Object value = consumerProperties.get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        return value == null ? 60_000 : Long.parseLong(value.toString());
    }

    String describe() {
        return "KafkaSource(" + (topics != null ? topics : "pattern " + topicPattern) + ")";
    }

    public static final class Builder<T> {
        private String bootstrapServers;
        private List<String> topics;
        private Pattern topicPattern;
        private Function<ConsumerRecord<byte[], byte[]>, T> deserializer;
        private StartFrom startFrom = StartFrom.EARLIEST;
        private long startTimestamp;
        private Bound bound = Bound.NONE;
        private long boundRecords;
        private long discoveryIntervalMs = 30_000;
        private long lagIntervalMs = 5_000;
        private final Map<String, Object> consumerProperties = new HashMap<>();

        private Builder() {}

        public Builder<T> bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder<T> topics(List<String> topics) {
            this.topics = topics;
            return this;
        }

        public Builder<T> topicPattern(Pattern pattern) {
            this.topicPattern = pattern;
            return this;
        }

        public Builder<T> deserializer(Function<ConsumerRecord<byte[], byte[]>, T> deserializer) {
            this.deserializer = deserializer;
            return this;
        }

        /** Deserializes the record value only. */
        public Builder<T> valueDeserializer(Deserializer<T> deserializer) {
            this.deserializer = r -> deserializer.deserialize(r.topic(), r.headers(), r.value());
            return this;
        }

        public Builder<T> startFromEarliest() {
            this.startFrom = StartFrom.EARLIEST;
            return this;
        }

        public Builder<T> startFromLatest() {
            this.startFrom = StartFrom.LATEST;
            return this;
        }

        /** The first record with a timestamp at or after {@code epochMillis} (the end where none is). */
        public Builder<T> startFromTimestamp(long epochMillis) {
            this.startFrom = StartFrom.TIMESTAMP;
            this.startTimestamp = epochMillis;
            return this;
        }

        public Builder<T> boundedAtLatest() {
            this.bound = Bound.LATEST_AT_START;
            return this;
        }

        public Builder<T> boundedByRecords(long records) {
            if (records < 0) {
                throw new IllegalArgumentException("records must be >= 0");
            }
            this.bound = Bound.RECORDS;
            this.boundRecords = records;
            return this;
        }

        /** How often an unbounded reader looks for new partitions (they start from the earliest offset). */
        public Builder<T> partitionDiscoveryIntervalMs(long intervalMs) {
            this.discoveryIntervalMs = intervalMs;
            return this;
        }

        /**
         * How often each reader measures its consumer lag (the records between its next offsets and
         * the partitions' ends, as {@code pendingRecords} in metrics): from the consumer's fetch
         * positions, asking the brokers for end offsets only when a partition was not fetched yet.
         */
        public Builder<T> consumerLagIntervalMs(long intervalMs) {
            this.lagIntervalMs = intervalMs;
            return this;
        }

        /** Any consumer setting (group.id enables committed offsets for monitoring; default.api.timeout.ms...). */
        public Builder<T> consumerProperty(String key, Object value) {
            consumerProperties.put(key, value);
            return this;
        }

        public KafkaSource<T> build() {
            return new KafkaSource<>(this);
        }
    }
}
