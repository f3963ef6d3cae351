package dev.weir.connectors.kafka;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Independent writers of test topics, using plain kafka-clients; {@link dev.weir.testing.KafkaTopics} reads them. */
final class KafkaTestSupport {

    private KafkaTestSupport() {}

    static void produce(String bootstrap, String topic, List<String> values) {
        produce(bootstrap, topic, null, values);
    }

    static void produce(String bootstrap, String topic, Integer partition, List<String> values) {
        send(bootstrap, values.stream().map(value -> new ProducerRecord<String, String>(topic, partition, null, value)).toList());
    }

    /** Sends the records as given (partition, timestamp) and waits until all are written. */
    static void send(String bootstrap, List<ProducerRecord<String, String>> records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (ProducerRecord<String, String> record : records) {
                sent.add(producer.send(record));
            }
            for (java.util.concurrent.Future<?> ack : sent) {
                ack.get(60, java.util.concurrent.TimeUnit.SECONDS); // a lost test input fails here, not as a hang later
            }
        } catch (Exception e) {
            throw new IllegalStateException("producing test input failed", e);
        }
    }

    static Map<String, Long> counts(List<String> values) {
        return values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
    }
}
