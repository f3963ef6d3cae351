package dev.weir.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JdbcSettingsTest {

    private static final JdbcConnectionSettings SETTINGS =
            new JdbcConnectionSettings("jdbc:postgresql://db:5432/app", "weir", "hunter2");

    @Test
    void toStringHidesThePassword() {
        assertThat(SETTINGS.toString()).contains("jdbc:postgresql://db:5432/app", "weir").doesNotContain("hunter2");
        JdbcConnectionSettings inUrl = new JdbcConnectionSettings("jdbc:postgresql://db/app?ssl=true&password=hunter2&x=1", "u", "");
        assertThat(inUrl.toString()).contains("password=***&x=1").doesNotContain("hunter2");
    }

    @Test
    void credentialsComeFromTheEnvironment() {
        JdbcConnectionSettings settings = JdbcConnectionSettings.fromEnvironment("jdbc:postgresql://db/app",
                Map.of("WEIR_JDBC_USER", "weir", "WEIR_JDBC_PASSWORD", "pw"));
        assertThat(settings).isEqualTo(new JdbcConnectionSettings("jdbc:postgresql://db/app", "weir", "pw"));
        assertThat(JdbcConnectionSettings.fromEnvironment("jdbc:postgresql://db/app", Map.of("WEIR_JDBC_USER", "weir")).password())
                .isEmpty();
        assertThatThrownBy(() -> JdbcConnectionSettings.fromEnvironment("jdbc:postgresql://db/app", Map.of()))
                .hasMessageContaining("WEIR_JDBC_USER");
    }

    @Test
    void badUrlsNameTheSetting() {
        assertThatThrownBy(() -> new JdbcConnectionSettings(null, "u", "p")).hasMessageContaining("'url' is missing");
        assertThatThrownBy(() -> new JdbcConnectionSettings("jdbc:mysql://db/app", "u", "p"))
                .hasMessageContaining("'url' must start with jdbc:postgresql://");
        assertThatThrownBy(() -> new JdbcConnectionSettings("jdbc:postgresql://db/app", " ", "p"))
                .hasMessageContaining("'user' is missing");
    }

    @Test
    void namesThatCouldCarrySqlAreRejected() {
        for (String name : List.of("t; DROP TABLE x", "a\"b", "", "1t", "a.b.c", "t--", "x y", "a".repeat(64))) {
            assertThatThrownBy(() -> SqlIdentifier.of("table", name)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(SqlIdentifier.of("table", "Sales.order_lines").quoted()).isEqualTo("\"Sales\".\"order_lines\"");
        assertThatThrownBy(() -> new JdbcUpsertSink<String>(SETTINGS, "t", List.of("id", "id); DROP TABLE t; --"),
                List.of("id"), r -> new Object[0])).hasMessageContaining("not a plain SQL identifier");
        assertThatThrownBy(() -> new JdbcUpsertSink<String>(SETTINGS, "t", List.of("id", "v"), List.of("k"),
                r -> new Object[0])).hasMessageContaining("key column k is not among the columns");
        assertThatThrownBy(() -> new JdbcUpsertSink<String>(SETTINGS, "t", List.of("id", "v"), List.of(),
                r -> new Object[0])).hasMessageContaining("name the key columns");
    }

    @Test
    void upsertOfOnlyKeyColumnsDoesNothingOnConflict() {
        TableSpec<String> table = new TableSpec<>("t", List.of("id"), r -> new Object[] {r});
        assertThat(table.upsertSql(List.of("id"))).isEqualTo("INSERT INTO \"t\" (\"id\") VALUES (?) ON CONFLICT (\"id\") DO NOTHING");
        assertThatThrownBy(() -> new TableSpec<String>("t", List.of("a", "b"), r -> new Object[] {r}).row("x"))
                .hasMessageContaining("returned 1 values for 2 columns");
    }

    @Test
    void transactionIdsAreUnambiguousAndFitPostgres() {
        TransactionIds ids = TransactionIds.of("sink", "my-job", "out");
        String gid = ids.gid(3, 7, 42);
        assertThat(gid).isEqualTo("weir-my-job-out-3-7-42");
        assertThat(ids.parse(gid)).isEqualTo(new TransactionIds.Parsed(3, 7, 42));
        // job "my" + sink "job" shares the text but not the structure
        assertThat(TransactionIds.of("sink", "my", "job").parse(gid)).isNull();
        assertThat(TransactionIds.of("sink", "my-job", "ou").parse(gid)).isNull();
        assertThat(ids.parse("weir-my-job-out-3-7")).isNull();
        assertThatThrownBy(() -> TransactionIds.of("sink", "j'ob", "out")).hasMessageContaining("job name");
        assertThatThrownBy(() -> TransactionIds.of("sink", "j".repeat(140), "out")).hasMessageContaining("too long");
        assertThatThrownBy(() -> JdbcWriteAheadSink.checkSinkName("sink", "a-b")).hasMessageContaining("sink name");
    }
}
