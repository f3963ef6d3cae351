package dev.weir.examples;

import dev.weir.runtime.dataflow.UnrecoverableJobException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.connectors.discard.DiscardSink;
import dev.weir.connectors.file.ExactlyOnceFileSink;
import dev.weir.connectors.file.ExactlyOnceS3Sink;
import dev.weir.runtime.dataflow.Sink;

class OutputsTest {

    private static final Map<String, String> S3_ENV = Map.of(
            "WEIR_S3_ENDPOINT", "http://127.0.0.1:9000",
            "WEIR_S3_ACCESS_KEY", "access",
            "WEIR_S3_SECRET_KEY", "secret-value");

    @Test
    void s3OutputIsAnExactlyOnceS3SinkConfiguredFromTheEnvironment() {
        // Resolved where the writer is created (the worker), from that process's environment.
        Object sink = ((DeferredSink<?>) Outputs.sinkFor("s3://results/counts", S3_ENV::get)).resolve();
        assertThat(sink).isInstanceOf(ExactlyOnceS3Sink.class);
        assertThat(((ExactlyOnceS3Sink<?>) sink).location()).isEqualTo("s3://results/counts");
        assertThat(sink.toString()).doesNotContain("secret-value");
    }

    @Test
    void s3OutputWithoutEndpointNamesTheVariable() {
        Sink<String> deferred = Outputs.sinkFor("s3://results/counts", name -> null);
        assertThatThrownBy(() -> deferred.createWriter(null))
                .isInstanceOfSatisfying(UnrecoverableJobException.class,
                        e -> assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION))
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

    private static final Map<String, String> JDBC_ENV = Map.of("WEIR_JDBC_USER", "weir", "WEIR_JDBC_PASSWORD", "pw-secret");

    @Test
    void jdbcOutputsChooseTheSinkByMode() {
        String base = "jdbc:postgresql://db:5432/weir?table=keyed_count&mode=";
        assertThat(Outputs.<String>sinkFor(base + "upsert", JDBC_ENV::get).toString()).contains("JdbcUpsertSink");
        assertThat(((DeferredSink<?>) Outputs.sinkFor(base + "upsert", JDBC_ENV::get)).resolve().toString())
                .contains("JdbcUpsertSink").contains("table=keyed_count").doesNotContain("pw-secret");
        assertThat(Outputs.<String>sinkFor(base + "wal", JDBC_ENV::get).toString()).contains("JdbcWriteAheadSink");
        assertThat(Outputs.<String>sinkFor(base + "2pc&sink=counts", JDBC_ENV::get).toString())
                .contains("JdbcTwoPhaseCommitSink").contains("sink=counts");
    }

    @Test
    void jdbcOutputErrorsNameTheSetting() {
        assertThatThrownBy(() -> Outputs.sinkFor("jdbc:postgresql://db/weir?mode=2pc", JDBC_ENV::get))
                .hasMessageContaining("job argument 'output'").hasMessageContaining("'table'");
        assertThatThrownBy(() -> Outputs.sinkFor("jdbc:postgresql://db/weir?table=t&mode=fast", JDBC_ENV::get))
                .hasMessageContaining("'mode'").hasMessageContaining("upsert, wal or 2pc");
        Sink<String> deferred = Outputs.sinkFor("jdbc:postgresql://db/weir?table=t&mode=2pc", name -> null);
        assertThatThrownBy(() -> deferred.createWriter(null)).hasMessageContaining("WEIR_JDBC_USER");
        assertThatThrownBy(() -> Outputs.sinkFor("jdbc:mysql://db/weir?table=t&mode=2pc", JDBC_ENV::get))
                .hasMessageContaining("only PostgreSQL");
    }

    @Test
    void jdbcRowsAreKeyCountSum() {
        assertThat(JdbcOutputs.row("7,2,19", "t")).containsExactly(7L, 2L, 19L);
        assertThatThrownBy(() -> JdbcOutputs.row("word,3", "t")).hasMessageContaining("'key,count,sum'");
    }
}
