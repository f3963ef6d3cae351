package dev.weir.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.testing.EmbeddedPostgres;

class JdbcSinkErrorsIT {

    private static final SinkContext CONTEXT = new SinkContext("test", 0, 1, 0, OperatorStateRestore.empty(0, 1));
    private static String url;

    @BeforeAll
    static void database() throws Exception {
        url = EmbeddedPostgres.shared().createDatabase("errors");
        new TestTables(url).execute("CREATE TABLE present (id bigint PRIMARY KEY, payload text)");
    }

    private static Sink<String> upsert(JdbcConnectionSettings settings, String table) {
        return new JdbcUpsertSink<>(settings, table, List.of("id", "payload"), List.of("id"), JdbcUpsertSinkIT.ROW);
    }

    private static String withCauses(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    @Test
    void wrongPasswordNamesConnectorAndUrlButNeverThePassword() {
        String password = "not-the-Right-0ne";
        JdbcConnectionSettings settings = new JdbcConnectionSettings(url, EmbeddedPostgres.PASSWORD_USER, password);
        assertThat(settings.toString()).doesNotContain(password);
        for (Sink<String> sink : List.of(upsert(settings, "present"),
                new JdbcWriteAheadSink<>(settings, "wal", "present", List.of("id", "payload"), JdbcUpsertSinkIT.ROW, Types.STRING),
                new JdbcTwoPhaseCommitSink<>(settings, "tpc", "present", List.of("id", "payload"), JdbcUpsertSinkIT.ROW))) {
            assertThatThrownBy(() -> sink.createWriter(CONTEXT))
                    .isInstanceOf(JdbcConnectorException.class)
                    .hasMessageContaining("Jdbc").hasMessageContaining("table=present").hasMessageContaining(url)
                    .hasMessageContaining("password authentication failed")
                    .satisfies(e -> assertThat(withCauses(e)).doesNotContain(password));
        }
    }

    @Test
    void passwordInTheUrlIsMaskedToo() {
        String password = "url-Secret-9";
        JdbcConnectionSettings settings = new JdbcConnectionSettings(url + "?password=" + password,
                EmbeddedPostgres.PASSWORD_USER, null);
        assertThat(settings.toString()).doesNotContain(password);
        assertThatThrownBy(() -> upsert(settings, "present").createWriter(CONTEXT))
                .satisfies(e -> assertThat(withCauses(e)).doesNotContain(password).contains("password=***"));
    }

    @Test
    void correctPasswordConnects() throws Exception {
        JdbcConnectionSettings settings = new JdbcConnectionSettings(url, EmbeddedPostgres.PASSWORD_USER, EmbeddedPostgres.PASSWORD);
        upsert(settings, "present").createWriter(CONTEXT).close();
    }

    @Test
    void unreachableDatabaseNamesTheUrl() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        String unreachable = "jdbc:postgresql://127.0.0.1:" + freePort + "/nowhere";
        assertThatThrownBy(() -> upsert(new JdbcConnectionSettings(unreachable, "u", "pw"), "present").createWriter(CONTEXT))
                .isInstanceOf(JdbcConnectorException.class)
                .hasMessageContaining("JdbcUpsertSink").hasMessageContaining("cannot connect to " + unreachable);
    }

    @Test
    void missingTableIsNamed() {
        JdbcConnectionSettings settings = new TestTables(url).settings();
        assertThatThrownBy(() -> upsert(settings, "absent").createWriter(CONTEXT))
                .isInstanceOf(JdbcConnectorException.class)
                .hasMessageContaining("JdbcUpsertSink").hasMessageContaining("table absent does not exist");
        assertThatThrownBy(() -> new JdbcTwoPhaseCommitSink<>(settings, "tpc", "absent", List.of("id"),
                (String r) -> new Object[] {r}).createWriter(CONTEXT))
                .hasMessageContaining("table absent does not exist");
        assertThatThrownBy(() -> new JdbcUpsertSink<>(settings, "present", List.of("id", "nope"), List.of("id"),
                (String r) -> new Object[] {r, r}).createWriter(CONTEXT))
                .hasMessageContaining("lacks a column of [id, nope]");
    }

    @Test
    void twoPhaseCommitNeedsPreparedTransactionsEnabled() throws Exception {
        try (EmbeddedPostgres disabled = EmbeddedPostgres.start(0)) {
            TestTables db = new TestTables(disabled.jdbcUrl());
            db.execute("CREATE TABLE t (id bigint)");
            Sink<String> sink = new JdbcTwoPhaseCommitSink<>(db.settings(), "tpc", "t", List.of("id"),
                    (String r) -> new Object[] {Long.parseLong(r)});
            assertThatThrownBy(() -> sink.createWriter(CONTEXT))
                    .isInstanceOf(JdbcConnectorException.class)
                    .hasMessageContaining("JdbcTwoPhaseCommitSink")
                    .hasMessageContaining("max_prepared_transactions = 0");
        }
    }
}
