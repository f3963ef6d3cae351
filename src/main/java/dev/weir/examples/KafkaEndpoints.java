package dev.weir.examples;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import dev.weir.connectors.kafka.DeliveryGuarantee;
import dev.weir.connectors.kafka.KafkaSink;
import dev.weir.connectors.kafka.KafkaSource;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/** The Kafka ends of the example jobs: decimal numbers in, text lines out (design §8). */
public final class KafkaEndpoints {

    private KafkaEndpoints() {}

    /**
     * Reads each record's value as the decimal {@code i}. With {@code records >= 0} the source
     * ends after that many records (the topic is expected to hold exactly that many); otherwise
     * it runs until canceled.
     */
    public static KafkaSource<Long> decimalSource(KafkaUri uri, long records) {
        KafkaSource.Builder<Long> builder = KafkaSource.<Long>builder()
                .bootstrapServers(uri.bootstrapServers())
                .topics(java.util.List.of(uri.topic()))
                .deserializer(r -> parseDecimal(r.value(), r.topic(), r.partition(), r.offset()))
                .startFromEarliest();
        if (records >= 0) {
            builder.boundedByRecords(records);
        }
        uri.clientProperties().forEach(builder::consumerProperty);
        return builder.build();
    }

    /**
     * Writes {@code toString()} of each record as the value, keyed by {@code key} so one key's
     * lines stay in order in one partition. Exactly-once transactional ids get the prefix
     * {@code weir-<job>-<sinkUid>}: the same in every attempt (so a restarted job finds and
     * aborts its own lingering transactions) and distinct between jobs on one cluster.
     */
    public static <T> Sink<T> lineSink(KafkaUri uri, String sinkUid, Function<T, String> key) {
        return new JobScopedSink<>(uri, sinkUid, key);
    }

    static Long parseDecimal(byte[] value, String topic, int partition, long offset) {
        String text = value == null ? "null" : new String(value, StandardCharsets.UTF_8).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("input record " + topic + "-" + partition + "@" + offset
                    + " is not a decimal number: '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
        }
    }

    static String transactionalIdPrefix(String jobName, String sinkUid) {
        return ("weir-" + jobName + "-" + sinkUid).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Builds the KafkaSink when the job's name is known (the writer's context), then delegates to it. */
    private static final class JobScopedSink<T> implements Sink<T> {
        private final KafkaUri uri;
        private final String sinkUid;
        private final Function<T, String> key;

        JobScopedSink(KafkaUri uri, String sinkUid, Function<T, String> key) {
            this.uri = uri;
            this.sinkUid = sinkUid;
            this.key = key;
        }

        @Override
        public SinkWriter<T> createWriter(SinkContext context) throws Exception {
            KafkaSink.Builder<T> builder = KafkaSink.<T>builder()
                    .bootstrapServers(uri.bootstrapServers())
                    .serializer(uri.topic(), r -> key.apply(r).getBytes(StandardCharsets.UTF_8),
                            r -> r.toString().getBytes(StandardCharsets.UTF_8))
                    .guarantee(uri.guarantee());
            if (uri.guarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
                builder.transactionalIdPrefix(transactionalIdPrefix(context.jobName(), sinkUid));
            }
            uri.clientProperties().forEach(builder::producerProperty);
            return builder.build().createWriter(context);
        }
    }
}
