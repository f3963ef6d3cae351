package dev.weir.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import dev.weir.testing.EmbeddedKafka;
import dev.weir.testing.KafkaTopics;

class ResumableProducerIT {

    @Test
    void commitsATransactionBegunByAnotherProducerInstance() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = "resume-" + System.nanoTime();
        kafka.createTopic(topic, 2);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-0");
        ResumableProducer crashed = new ResumableProducer(config, topic + "-0");
        crashed.initTransactions();
        crashed.beginTransaction();
        crashed.send(new ProducerRecord<>(topic, 0, null, "first".getBytes()));
        crashed.commitTransaction();
        crashed.beginTransaction();
        for (int i = 0; i < 3; i++) {
            crashed.send(new ProducerRecord<>(topic, i % 2, null, ("v" + i).getBytes()));
        }
        crashed.flush();
        KafkaTransaction txn = crashed.currentTransaction();
        assertThat(KafkaTopics.readCommitted(kafka.bootstrapServers(), topic)).containsExactly("first");

        ResumableProducer recovery = new ResumableProducer(config, topic + "-0");
        recovery.resume(txn);
        recovery.commitTransaction();
        recovery.closeQuietly();
        assertThat(KafkaTopics.readCommitted(kafka.bootstrapServers(), topic)).containsExactlyInAnyOrder("first", "v0", "v1", "v2");

        ResumableProducer again = new ResumableProducer(config, topic + "-0");
        again.resume(txn);
        again.commitTransaction(); // committing twice is harmless
        again.closeQuietly();
        assertThat(KafkaTopics.readCommitted(kafka.bootstrapServers(), topic)).hasSize(4);
        crashed.closeQuietly();
    }
}
