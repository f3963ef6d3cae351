package dev.weir.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.kafka.DeliveryGuarantee;

class KafkaUriTest {

    @Test
    void outputsAreExactlyOnceUnlessToldOtherwise() {
        KafkaUri uri = KafkaUri.parse("output", "kafka://kafka.kafka:9092,k2:9093/counts", true);
        assertThat(uri.bootstrapServers()).isEqualTo("kafka.kafka:9092,k2:9093");
        assertThat(uri.topic()).isEqualTo("counts");
        assertThat(uri.guarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(KafkaUri.parse("output", "kafka://h:1/t?guarantee=at-least-once", true).guarantee())
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void kafkaClientSettingsPassThrough() {
        KafkaUri uri = KafkaUri.parse("input", "kafka://h:1/t?default.api.timeout.ms=2000&security.protocol=SSL", false);
        assertThat(uri.clientProperties())
                .isEqualTo(Map.of("default.api.timeout.ms", "2000", "security.protocol", "SSL"));
        assertThat(uri.guarantee()).isNull();
    }

    @Test
    void errorsNameTheArgumentAndTheProblem() {
        assertThatThrownBy(() -> KafkaUri.parse("input", "kafka://h:1", false))
                .hasMessageContaining("job argument 'input'").hasMessageContaining("has no topic");
        assertThatThrownBy(() -> KafkaUri.parse("output", "kafka:///t", true)).hasMessageContaining("no bootstrap servers");
        assertThatThrownBy(() -> KafkaUri.parse("output", "kafka://host/t", true)).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> KafkaUri.parse("output", "kafka://h:1/a b", true))
                .hasMessageContaining("not a valid Kafka topic name");
        assertThatThrownBy(() -> KafkaUri.parse("output", "kafka://h:1/t?guarantee=once", true))
                .hasMessageContaining("guarantee must be exactly-once or at-least-once");
        assertThatThrownBy(() -> KafkaUri.parse("input", "kafka://h:1/t?guarantee=at-least-once", false))
                .hasMessageContaining("job argument 'input'").hasMessageContaining("unknown setting 'guarantee=at-least-once'");
        assertThatThrownBy(() -> KafkaUri.parse("output", "kafka://h:1/t?garantee=at-least-once", true))
                .hasMessageContaining("unknown setting");
    }

    @Test
    void decimalValuesAndTransactionalIds() {
        assertThat(KafkaEndpoints.parseDecimal("42".getBytes(), "t", 0, 0)).isEqualTo(42L);
        assertThatThrownBy(() -> KafkaEndpoints.parseDecimal("x".getBytes(), "t", 1, 5))
                .hasMessageContaining("t-1@5").hasMessageContaining("not a decimal number");
        assertThat(KafkaEndpoints.transactionalIdPrefix("keyed-count", "sink")).isEqualTo("weir-keyed-count-sink");
    }
}
