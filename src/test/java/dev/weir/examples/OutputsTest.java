package dev.weir.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.file.ExactlyOnceFileSink;
import dev.weir.connectors.file.ExactlyOnceS3Sink;

class OutputsTest {

    private static final Map<String, String> S3_ENV = Map.of(
            "WEIR_S3_ENDPOINT", "http://127.0.0.1:9000",
            "WEIR_S3_ACCESS_KEY", "access",
            "WEIR_S3_SECRET_KEY", "secret-value");

    @Test
    void s3OutputIsAnExactlyOnceS3SinkConfiguredFromTheEnvironment() {
        Object sink = Outputs.sinkFor("s3://results/counts", S3_ENV::get);
        assertThat(sink).isInstanceOf(ExactlyOnceS3Sink.class);
        assertThat(((ExactlyOnceS3Sink<?>) sink).location()).isEqualTo("s3://results/counts");
    }

    @Test
    void s3OutputWithoutEndpointNamesTheVariable() {
        assertThatThrownBy(() -> Outputs.sinkFor("s3://results/counts", name -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("job argument 'output'")
                .hasMessageContaining("WEIR_S3_ENDPOINT");
    }

    @Test
    void otherOutputs() {
        assertThat(Outputs.<String>sinkFor("discard", name -> null)).isInstanceOf(DiscardSink.class);
        assertThat(Outputs.<String>sinkFor("/tmp/out", name -> null)).isInstanceOf(ExactlyOnceFileSink.class);
        assertThat(Outputs.<String>sinkFor("kafka://b:9092/t", name -> null)).isNotNull();
        assertThatThrownBy(() -> Outputs.sinkFor("kafka://b/t", name -> null))
                .hasMessageContaining("job argument 'output'").hasMessageContaining("not host:port");
        assertThatThrownBy(() -> Outputs.sinkFor("ftp://x", name -> null)).hasMessageContaining("unsupported scheme");
    }

    @Test
    void kafkaLinesAreKeyedByTheirFirstField() {
        assertThat(Outputs.firstField(new KeyedCountResult(7, 2, 30))).isEqualTo("7");
        assertThat(Outputs.firstField("word")).isEqualTo("word");
    }
}
